"""The projects the benchmarks build: the worked chapter, a generated project of many
varied directives, and each one's static twin (every directive replaced by the
``.. math::`` blocks it renders), which is what authors write today: the floor."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

from sphinx_vcr.core.language.scan import Found, blocks
from sphinx_vcr.core.running.verify import check

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
def static_twin(text: str, after: Callable[[Found, str], list[str]] | None = None) -> str:
    """``text`` with every directive replaced by the math it renders; ``after``, if
    given, gives lines to follow each directive's math (a peer's check), at its indent."""
    lines = text.splitlines()
    for start, end, prefix, found in reversed(blocks(text)):
        indent = " " * len(prefix)
        outcome = check(*found)
        block = []
        for latex in outcome.math:
            block += [f"{indent}.. math::", "", f"{indent}   {latex}", ""]
        if after is not None:
            block += after(found, indent)
        block[0] = prefix + block[0][len(indent):]  # keep a list item's bullet
        lines[start:end] = block
    return "\n".join(lines) + "\n"


def chapter(target: Path, static: bool) -> Path:
    """The worked chapter as a one-page project."""
    target.mkdir(parents=True)
    text = (DOCS / "chapter" / "vector-chain-rule.zh.rst").read_text(encoding="utf8")
    (target / "index.rst").write_text(static_twin(text) if static else text, encoding="utf8")
    shutil.copy(DOCS / "refs.bib", target)
    (target / "conf.py").write_text(
        'extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]\n'
        'bibtex_bibfiles = ["refs.bib"]\nlanguage = "zh_CN"\n', encoding="utf8")
    return target


# Templates of varied directives; {a} and {b} become random integers so that no two
# directives of a project are alike (nothing is shared through caches).
TEMPLATES = [
    ("derivative", "{a}*x**3 + {b}*x", {"wrt": "x", "expect": "{c}*x**2 + {b}"}),
    ("derivative", "log({a}*x**2)", {"wrt": "x", "expect": "2/x"}),
    ("derivative", "sin({a}*x) * exp({b}*x)", {"wrt": "x"}),
    ("derivative", "sigmoid({a}*x)", {"wrt": "x",
                                     "expect": "{a}*sigmoid({a}*x)*(1 - sigmoid({a}*x))"}),
    ("gradient", "{a}*x**2*y + {b}*y", {"wrt": "x, y",
                                       "expect": "[[2*{a}*x*y, {a}*x**2 + {b}]]"}),
    ("gradient", "w @ x + {a}*b", {"wrt": "w[n], b", "vars": "x[n]",
                                  "expect": "[[x.T, {a}]]"}),
    ("gradient", "mean((X @ w - y)**2) * {a}", {"wrt": "w[n]", "vars": "X[N, n], y[N]",
                                               "expect": "{a}*2/N * (X @ w - y).T @ X"}),
    ("jacobian", "w * x * {a}", {"wrt": "w[n]", "vars": "x[n]", "expect": "{a}*diag(x)"}),
    ("jacobian", "A @ x + {a}", {"wrt": "x[n]", "vars": "A[m, n]", "expect": "A"}),
    ("jacobian", "tanh({a}*x)", {"wrt": "x[n]",
                                 "expect": "diag({a}*(1 - tanh({a}*x)**2))"}),
    ("chain-rule", "", {"wrt": "x", "expect": "{a}*cos({a}*x**2)*2*x",
                        "_content": "u = x**2\ny = sin({a}*u)"}),
    ("chain-rule", "", {"wrt": "w[n], b", "vars": "x[n]", "where": "w @ x + b > 0",
                        "expect": "[[{a}*x.T, {a}]]",
                        "_content": "z = w @ x + b\na = {a}*max(0, z)"}),
]


def directive_text(template: tuple[str, str, dict], a: int, b: int) -> str:
    kind, argument, options = template
    values = {"a": a, "b": b, "c": 3 * a}
    lines = [f".. {kind}:: {argument.format(**values)}".rstrip()]
    content = options.get("_content", "")
    for option, value in options.items():
        if option != "_content":
            lines.append(f"   :{option}: {value.format(**values)}")
    if content:
        lines.append("")
        lines += [f"   {line}" for line in content.format(**values).splitlines()]
    return "\n".join(lines) + "\n"


def generated(target: Path, pages: int, per_page: int, static: bool, seed: int = 0) -> Path:
    """``pages`` pages of ``per_page`` varied directives each."""
    rng = random.Random(seed)
    target.mkdir(parents=True)
    names = []
    for page in range(pages):
        parts = [f"Page {page}\n========\n"]
        for number in range(per_page):
            template = TEMPLATES[(page * per_page + number) % len(TEMPLATES)]
            parts.append(f"Result {number}.\n\n"
                         + directive_text(template, rng.randint(2, 99), rng.randint(2, 99)))
        text = "\n".join(parts)
        (target / f"page{page}.rst").write_text(static_twin(text) if static else text,
                                                encoding="utf8")
        names.append(f"page{page}")
    (target / "index.rst").write_text("Generated\n=========\n\n.. toctree::\n\n" + "".join(
        f"   {name}\n" for name in names), encoding="utf8")
    (target / "conf.py").write_text('extensions = ["sphinx_vcr"]\n', encoding="utf8")
    return target

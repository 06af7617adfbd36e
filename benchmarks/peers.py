"""The peers of the benchmark: the same pages checked the way an author would without
sphinx-vcr, generated from the same sources so that they are equivalent.

- **doctest**: the static twin (every directive replaced by the math it renders) with,
  after each directive's math, a hidden ``.. doctest::`` block that runs the same check
  in SymPy and NumPy (``benchmarks/peer_checks.py``, copied into the project as an
  author's helper module); built with ``-b html`` and then ``-b doctest``.
- **myst-nb**: a notebook per page (the static twin in one Markdown cell, through
  ``{eval-rst}``, then a code cell per directive running the same check), executed by
  myst-nb (``nb_execution_mode = "force"``, a failing cell fails the build).

What each check computes comes from sphinx-vcr's own reading of the directive, at every
case it checks (every size of ``vcr_sizes``, every value of a free index, every stand-in
of the abstract functions): the function's entries, the claim (arranged as the flat
numerator-layout Jacobian) and the ``:where:`` region, printed as SymPy code. The
peer's code then differentiates, compares (exactly where the difference expands to
zero, else at sample points) and runs finite differences itself. Two
things it is spared (so its times are a lower bound for hand-written equivalents): the
chain rule's factorisation (the claim is compared with the composition's derivative),
and a derivation's ``diff()`` calls, whose values the printed steps already hold.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import keyword
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import sympy
from sympy.printing.str import StrPrinter

from sphinx_vcr.core.calculus.derivatives import (
    arrange,
    derivative_shape,
    entries,
    flat_derivative,
    flatten,
)
from sphinx_vcr.core.calculus.forms import FormTable
from sphinx_vcr.core.calculus.instance import cases, claim_value, instantiate
from sphinx_vcr.core.errors import ShapeError, SizeExcluded
from sphinx_vcr.core.language.problem import Problem, build_problem
from sphinx_vcr.core.language.scan import Found
from sphinx_vcr.core.records import Settings, sample_seed
from sphinx_vcr.core.running.verify import _key

from . import projects

HELPER = Path(__file__).resolve().parent / "peer_checks.py"
#: Names a symbol's Python variable must not take: the helper's, and SymPy's own.
_TAKEN = set(dir(sympy)) | {"np", "sympy", "derivative_holds", "steps_hold", "same",
                            "sample", "finite_differences_agree", "checks"}


def missing() -> list[str]:
    """The packages the peers need that are not installed (empty: both can run)."""
    return [name for name in ("myst_nb", "ipykernel", "nbclient")
            if importlib.util.find_spec(name) is None]


@dataclass
class Peer:
    """One directive as the peer checks it: Python statements, and what they return
    when the directive's claim holds (``True``)."""

    code: list[str]
    result: str  # an expression over the statements' names, True when the check passes


class _Printer(StrPrinter):
    """SymPy's ``str`` with exact rationals (``S(1)/2``) and each symbol by its Python
    variable, so that the printed text, run after ``from sympy import *``, rebuilds the
    very expression."""

    def __init__(self, names: dict[sympy.Symbol, str]) -> None:
        super().__init__({"sympy_integers": True})
        self.names = names

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return self.names[expr]

    _print_Dummy = _print_Symbol

    def _print_MatrixBase(self, expr: sympy.MatrixBase) -> str:
        entries_text = ", ".join(self._print(e) for e in expr)
        return f"Matrix({expr.rows}, {expr.cols}, [{entries_text}])"

    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix = _print_MatrixBase


class _Code:
    """The statements of one directive's check: symbols declared once, values printed."""

    def __init__(self) -> None:
        self.names: dict[sympy.Symbol, str] = {}
        self.lines: list[str] = ["checks = []"]
        self.printer = _Printer(self.names)

    def declare(self, exprs: list) -> None:
        found: set[sympy.Symbol] = set()
        for expr in exprs:
            found |= getattr(expr, "free_symbols", set())
        new = sorted((s for s in found if s not in self.names), key=str)
        for symbol in new:
            name = symbol.name
            if not name.isidentifier() or keyword.iskeyword(name) or name in _TAKEN \
                    or name in self.names.values():
                name = f"s{len(self.names)}"
            self.names[symbol] = name
            assumptions = ", ".join(f"{k}={v}" for k, v in
                                    sorted(symbol._assumptions_orig.items()))
            self.lines.append(f"{name} = Symbol({symbol.name!r}"
                              f"{', ' + assumptions if assumptions else ''})")

    def text(self, value: object) -> str:
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self.text(v) for v in value) + "]"
        return self.printer.doprint(value)


#: Checks already generated, by directive text: each peer's pages hold the same ones.
_made: dict[tuple[str, Settings], Peer] = {}


def peer(found: Found, settings: Settings = Settings()) -> Peer:
    """The check of one directive, as SymPy statements (raises for a directive the core
    cannot read: the benchmarks' pages have none)."""
    key = (_key(*found), settings)
    if key not in _made:
        _made[key] = _generate(found, settings)
    return _made[key]


def _generate(found: Found, settings: Settings) -> Peer:
    problem = build_problem(*found, settings.layout)
    key = _key(*found)
    code = _Code()
    for case in cases(problem, settings.sizes, sample_seed(settings, key, {})):
        try:
            instance = instantiate(problem, case)
        except SizeExcluded:
            continue
        seed = sample_seed(settings, key, case.assignment) % 2**32
        if problem.kind == "derivation":
            _derivation_case(problem, instance, code, seed)
        else:
            _derivative_case(problem, instance, code, seed, problem.mistake)
            if problem.mistake and problem.correct is not None:
                corrected = dataclasses.replace(problem, expect=problem.correct,
                                                mistake=False, correct=None)
                _derivative_case(corrected, instance, code, seed, False)
    if problem.mistake:
        # The claim (a step) is wrong in some case; a :correct: holds in every one, and
        # so does every diff() of a derivation.
        return Peer(code.lines, "any(not ok for ok, wrong in checks if wrong) and "
                                "all(ok for ok, wrong in checks if not wrong)")
    return Peer(code.lines, "all(ok for ok, wrong in checks)")


def _derivative_case(problem: Problem, instance, code: _Code, seed: int,
                     mistake: bool) -> None:
    outputs = entries(instance.output)
    claim = None
    if problem.expect is not None:
        flat = flat_derivative(problem, instance)
        result = arrange(problem, instance, flat)
        value = claim_value(problem, instance, derivative_shape(problem, instance.output))
        if value.is_scalar:
            matrix = sympy.Matrix([[value.data]])
        elif value.data.shape == result.shape:
            matrix = sympy.Matrix(value.data)
        elif value.data.shape == (result.shape[1], result.shape[0]) or \
                len(value.data) != len(result):
            matrix = sympy.Matrix(value.data)  # of the wrong shape: the check says so
        else:
            matrix = sympy.Matrix(value.data).reshape(*result.shape)
        try:
            claim = flatten(problem, instance, matrix) if matrix.shape == result.shape \
                else matrix
        except ShapeError:
            claim = matrix
    wrt = list(instance.wrt_symbols)
    exprs = [*outputs, *([] if claim is None else list(claim)), *instance.conditions]
    params = sorted({s for e in exprs for s in e.free_symbols} - set(wrt)
                    | (set(instance.param_symbols) - set(wrt)), key=str)
    code.declare([*wrt, *params])
    hessian = ", hessian=True" if problem.kind == "hessian" else ""
    code.lines.append(
        f"checks.append((derivative_holds({code.text(outputs)}, {code.text(wrt)}, "
        f"{code.text(params)}, {code.text(claim) if claim is not None else 'None'}, "
        f"{code.text(instance.conditions)}{hessian}, seed={seed}), {mistake}))")


def _derivation_case(problem: Problem, instance, code: _Code, seed: int) -> None:
    table = FormTable(problem, instance)
    # In their own shapes: a step that turns a row into a column is wrong (a :mistake:
    # of the chapter), though its entries agree.
    pairs = [(_shaped(before.value), _shaped(after.value))
             for before, after, _conditions in table.consecutive()]
    region = table.pair(0, 1)[2] if pairs else []
    exprs = [e for pair in pairs for m in pair for e in m] + list(region)
    symbols = sorted({s for e in exprs for s in e.free_symbols}
                     | set(instance.param_symbols) | set(instance.wrt_symbols), key=str)
    code.declare(symbols)
    if table.derivatives:
        # diff()'s values, checked by finite differences as every derivative is: the
        # peer differentiates the same entries by the same symbols itself.
        outputs = list(dict.fromkeys(entry for entry, _s in table.derivatives))
        wrt = list(dict.fromkeys(symbol for _e, symbol in table.derivatives))
        code.declare([*outputs, *wrt])
        others = sorted({s for e in outputs for s in e.free_symbols} - set(wrt), key=str)
        code.lines.append(
            f"checks.append((derivative_holds({code.text(outputs)}, {code.text(wrt)}, "
            f"{code.text(others)}, None, {code.text(region)}, seed={seed}), False))")
    code.lines.append(
        f"checks.append((steps_hold({code.text(pairs)}, {code.text(symbols)}, "
        f"{code.text(region)}, seed={seed}), {problem.mistake}))")


def _shaped(value) -> sympy.Matrix:
    return sympy.Matrix([[value.data]]) if value.is_scalar else sympy.Matrix(value.data)


# Pages -------------------------------------------------------------------------------


def doctest_block(found: Found, indent: str) -> list[str]:
    """A hidden doctest block running the check of ``found`` (after its math)."""
    check = peer(found)
    lines = [f"{indent}.. doctest::", f"{indent}   :hide:", ""]
    lines += [f"{indent}   >>> {line}" for line in check.code]
    lines += [f"{indent}   >>> {check.result}", f"{indent}   True", ""]
    return lines


def doctest_page(text: str) -> str:
    """The static twin of ``text`` with a doctest block after each directive's math."""
    page = projects.static_twin(text, after=doctest_block)
    return page + ("\n.. testsetup:: *\n\n   from sympy import *\n"
                   "   from peer_checks import *\n")


def notebook(text: str) -> str:
    """A notebook: the static twin as MyST (:func:`myst_page`) in one Markdown cell,
    then a hidden code cell a directive (tagged ``remove-cell``, as the doctest peer's
    blocks are ``:hide:``: the page shows what the static twin shows)."""
    from sphinx_vcr.core.language.scan import directives

    cells = [_cell("markdown", myst_page(projects.static_twin(text))),
             _cell("code", "from sympy import *\nfrom peer_checks import *\n")]
    for found in directives(text):
        check = peer(found)
        cells.append(_cell("code", "\n".join([*check.code, f"assert {check.result}"])))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return json.dumps({"cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5},
        indent=1, ensure_ascii=False)


#: A line of a section title's adornment (underline or overline).
_ADORNMENT = re.compile(r"([=\-~^\"'`#*+.:_])\1+\s*")
_LABEL = re.compile(r"\.\. _([^:`]+):\s*")
_ROLE = re.compile(r":([\w:+-]+):`")


def myst_page(rst: str) -> str:
    """The reStructuredText page ``rst`` as MyST: its section titles as MyST headings
    (with the labels before them as ``(label)=``) and everything between them in
    ``{eval-rst}`` blocks.

    Not the whole page in one block: MyST parses a block as a separate document and
    registers only its top-level names in the page, so the labels of nested sections
    were undefined (``:ref:`dot-product```) and footnote references unresolved. The
    docinfo field list at the top (``:vcr-language:``) is left out: in a block it is no
    docinfo but a visible field list, and the static twin has no directive whose words
    it would set."""
    lines = rst.splitlines()
    styles: list[tuple[str, bool]] = []
    out: list[str] = []
    chunk: list[str] = []
    labels: list[str] = []
    i = 0
    if lines and lines[0].startswith(":"):
        while i < len(lines) and lines[i].startswith(":"):
            i += 1  # the docinfo field list

    def flush() -> None:
        body = "\n".join(chunk).strip("\n")
        if body:
            out.extend(["````{eval-rst}", body, "````", ""])
        chunk.clear()

    while i < len(lines):
        title = _title(lines, i)
        if title is not None:
            text, style, used = title
            if style not in styles:
                styles.append(style)
            # labels directly before the title name its section
            while chunk and not chunk[-1].strip():
                chunk.pop()
            while chunk and _LABEL.fullmatch(chunk[-1]):
                labels.insert(0, _LABEL.fullmatch(chunk.pop()).group(1))
                while chunk and not chunk[-1].strip():
                    chunk.pop()
            flush()
            out.extend([f"({label})=" for label in labels])
            labels.clear()
            out.extend(["#" * (styles.index(style) + 1) + " " + _ROLE.sub(r"{\1}`", text),
                        ""])
            i += used
            continue
        chunk.append(lines[i])
        i += 1
    flush()
    return "\n".join(out) + "\n"


def _title(lines: list[str], i: int) -> tuple[str, tuple[str, bool], int] | None:
    """The section title starting at line ``i``: its text, its adornment style (the
    character, and whether it has an overline) and its number of lines; or None."""
    def adornment(k: int) -> str | None:
        found = k < len(lines) and _ADORNMENT.fullmatch(lines[k])
        return found.group(1) if found else None

    over = adornment(i)
    if over and i + 2 < len(lines) and lines[i + 1].strip() and adornment(i + 2) == over:
        return lines[i + 1].strip(), (over, True), 3
    if lines[i].strip() and not over and (i == 0 or not lines[i - 1].strip()):
        under = adornment(i + 1)
        if under and not lines[i].startswith(" "):
            return lines[i].strip(), (under, False), 2
    return None


def _cell(kind: str, source: str) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[], metadata={"tags": ["remove-cell"]})
    return cell


# Projects ----------------------------------------------------------------------------

DOCTEST_CONF = ('import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n'
                'extensions += ["sphinx.ext.doctest"]\n')
NOTEBOOK_CONF = ('import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n'
                 'extensions += ["myst_nb"]\nnb_execution_mode = "force"\n'
                 'nb_execution_raise_on_error = True\nnb_execution_timeout = 600\n')


def _finish(target: Path, extra_conf: str) -> Path:
    shutil.copy(HELPER, target / "peer_checks.py")
    conf = target / "conf.py"
    conf.write_text(conf.read_text(encoding="utf8") + extra_conf, encoding="utf8")
    return target


def chapter(target: Path, peer_kind: str) -> Path:
    """The worked chapter as a peer project: ``peer_kind`` "doctest" or "notebook"."""
    projects.chapter(target, static=True)
    source = (projects.DOCS / "chapter" / "vector-chain-rule.zh.rst").read_text(
        encoding="utf8")
    _write_page(target, "index", source, peer_kind)
    return _finish(target, DOCTEST_CONF if peer_kind == "doctest" else NOTEBOOK_CONF)


def generated(target: Path, pages: int, per_page: int, peer_kind: str,
              seed: int = 0) -> Path:
    """:func:`.projects.generated`'s project (same seed, same directives) as a peer."""
    sources = target.parent / f"{target.name}-sources"
    projects.generated(sources, pages, per_page, static=False, seed=seed)
    projects.generated(target, pages, per_page, static=True, seed=seed)
    for page in range(pages):
        text = (sources / f"page{page}.rst").read_text(encoding="utf8")
        _write_page(target, f"page{page}", text, peer_kind)
    shutil.rmtree(sources)
    return _finish(target, DOCTEST_CONF if peer_kind == "doctest" else NOTEBOOK_CONF)


def generated_from(target: Path, pages: dict[str, str], peer_kind: str) -> Path:
    """A peer project of the given pages (name: reStructuredText with directives),
    configured as :func:`.projects.generated`'s."""
    target.mkdir(parents=True)
    (target / "conf.py").write_text('extensions = ["sphinx_vcr"]\n', encoding="utf8")
    for name, text in pages.items():
        _write_page(target, name, text, peer_kind)
    return _finish(target, DOCTEST_CONF if peer_kind == "doctest" else NOTEBOOK_CONF)


def _write_page(target: Path, name: str, source: str, peer_kind: str) -> None:
    (target / f"{name}.rst").unlink(missing_ok=True)
    if peer_kind == "doctest":
        (target / f"{name}.rst").write_text(doctest_page(source), encoding="utf8")
    else:
        (target / f"{name}.ipynb").write_text(notebook(source), encoding="utf8")

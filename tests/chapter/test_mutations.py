"""Mutation test of the worked chapter: every verified result, made wrong, fails the build.

Each verified ``:expect:`` of the chapter is changed, one per copy of the chapter, to a
wrong one (its sign, a factor of 2, its transpose, or an offset for a zero result). All
copies are built as one parallel Sphinx project; each copy must fail exactly once, at
the changed line. A chapter whose claims could be changed without the build noticing
would not be verified at all.
"""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHAPTER = DOCS / "chapter" / "vector-chain-rule.zh.rst"


def verified_claims(lines: list[str]) -> list[int]:
    """0-based indices of the ``:expect:`` lines of directives not marked ``:mistake:``."""
    found = []
    for index, line in enumerate(lines):
        if line.strip().startswith(":expect:"):
            indent = line[: len(line) - len(line.lstrip())]
            block = []
            for following in lines[index + 1:]:
                if not following.startswith(indent + ":"):
                    break
                block.append(following.strip())
            before = []
            for previous in reversed(lines[:index]):
                if not previous.startswith(indent + ":"):
                    break
                before.append(previous.strip())
            if not any(o.startswith(":mistake:") for o in block + before):
                found.append(index)
    return found


def mutate(claim: str, kind: int) -> str:
    """A wrong version of ``claim``: sign, factor or transpose (offset if it is zero)."""
    if claim == "0" or claim.startswith("zeros("):
        return f"({claim}) + 1"
    if kind % 3 == 2 and ("[[" in claim or ".T" in claim):
        return f"({claim}).T"
    return f"2*({claim})" if kind % 3 == 1 else f"-({claim})"


@pytest.fixture(scope="module")
def mutated(tmp_path_factory):
    lines = CHAPTER.read_text(encoding="utf8").splitlines()
    claims = verified_claims(lines)
    src = tmp_path_factory.mktemp("mutations") / "src"
    src.mkdir()
    shutil.copy(DOCS / "refs.bib", src)
    expected = {}
    for number, index in enumerate(claims):
        copy = list(lines)
        prefix, claim = copy[index].split(":expect:", 1)
        copy[index] = f"{prefix}:expect: {mutate(claim.strip(), number)}"
        # Each copy is its own document; labels must stay unique across documents.
        text = "\n".join(copy).replace(":name: ", f":name: m{number}-")
        text = re.sub(r"^\.\. _vector-chain-rule:$", f".. _m{number}:", text, flags=re.M)
        (src / f"m{number}.rst").write_text(text + "\n", encoding="utf8")
        expected[f"m{number}"] = index + 1
    (src / "index.rst").write_text("Mutations\n=========\n\n.. toctree::\n\n" + "".join(
        f"   {name}\n" for name in expected), encoding="utf8")
    (src / "conf.py").write_text('extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]\n'
                                 'bibtex_bibfiles = ["refs.bib"]\n'
                                 'suppress_warnings = ["bibtex.duplicate_citation"]\n')
    app = SphinxTestApp("html", srcdir=src, freshenv=True, parallel=2,
                        status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return app, expected


def test_the_chapter_has_many_verified_claims():
    lines = CHAPTER.read_text(encoding="utf8").splitlines()
    assert len(verified_claims(lines)) >= 25


def test_every_mutation_fails_the_build_at_its_line(mutated):
    app, expected = mutated
    assert app.statuscode == 1
    errors = [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]
    for name, line in expected.items():
        mine = [e for e in errors if f"{name}.rst:" in e]
        assert len(mine) == 1, f"{name}: {mine}"
        assert f"{name}.rst:{line}: ERROR: [vcr." in mine[0], mine[0]
    summary = re.search(r"sphinx-vcr: (\d+) verified \(\d+ claims?\), (\d+) failed, (\d+) errors",
                        app.status.getvalue())
    assert summary is not None
    assert int(summary.group(2)) + int(summary.group(3)) == len(expected)

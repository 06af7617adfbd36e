"""Mutation test of the worked chapter: every verified result, made wrong, fails the build.

Each verified ``:expect:`` of the chapter, each step of every derivation not marked
``:mistake:``, and the ``:correct:`` form of every mistake, is changed, one per copy
of the chapter, to a wrong one (its sign, a factor of 2, its transpose, or an offset
for a zero result). All copies are built as one parallel Sphinx project; each copy
must fail exactly once, at the changed line. A chapter whose claims could be changed
without the build noticing would not be verified at all.

A copy keeps the chapter's text line for line, but every sphinx-vcr directive other
than the mutated one is turned into an empty comment: the copies stay cheap to build,
and the error is still reported at the line it has in the chapter. The chapter itself
must verify with at least 108 claims (the issue's count of the seed's claims that must
be machine-checked): on its own (the suite's shared build of it, ``chapter_build``), and
unchanged in the same project as the copies, without an error. That build is made
first, so the copy's outcomes are known in this process and only the mutants are
computed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .mutants import build_documents, errors, misplaced, summary

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHAPTER = DOCS / "chapter" / "vector-chain-rule.zh.rst"
DIRECTIVE = re.compile(
    r"^(?P<prefix>[ *-]*)\.\. (?:derivative|gradient|jacobian|chain-rule|derivation)::")


def directives(lines: list[str]) -> list[tuple[int, int]]:
    """The (first, end) line ranges of the chapter's sphinx-vcr directives, 0-based."""
    found = []
    for index, line in enumerate(lines):
        match = DIRECTIVE.match(line)
        if match is None:
            continue
        column = len(match.group("prefix"))
        end = index + 1
        while end < len(lines) and (not lines[end].strip()
                                    or len(lines[end]) - len(lines[end].lstrip()) > column):
            end += 1
        found.append((index, end))
    return found


def _options(lines: list[str], first: int, end: int) -> list[str]:
    return [line.strip() for line in lines[first + 1:end] if line.strip().startswith(":")]


def verified_claims(lines: list[str]) -> list[int]:
    """0-based lines of the ``:expect:`` options and derivation steps to mutate.

    Directives marked ``:mistake:`` are meant to be wrong: of them, only the
    ``:correct:`` form shown to students is mutated, since it is verified too.
    """
    found = []
    for first, end in directives(lines):
        if any(option.startswith(":mistake:") for option in _options(lines, first, end)):
            found += [index for index in range(first + 1, end)
                      if lines[index].strip().startswith(":correct:")]
            continue
        derivation = ".. derivation::" in lines[first]
        for index in range(first + 1, end):
            text = lines[index].strip()
            if text.startswith(":expect:") or (derivation and text.startswith("= ")):
                found.append(index)
    return found


def mutate(claim: str, kind: int) -> str:
    """A wrong version of ``claim``: sign, factor or transpose (offset if it is zero)."""
    # A multiple of a zero stays zero: offset what is zero however it is written.
    if claim == "0" or claim.startswith(("zeros(", "diff(0,")):
        return f"({claim}) + 1"
    # Only a row (or a product with a transpose) changes shape when transposed: a
    # symmetric matrix such as [[a, 0], [0, b]] would not, nor a 1 x 1 product
    # such as [[a, b]] @ [c, d].
    row = claim.startswith("[[") and claim.endswith("]]") and "], [" not in claim
    if kind % 3 == 2 and (row or ".T" in claim):
        return f"({claim}).T"
    return f"2*({claim})" if kind % 3 == 1 else f"-({claim})"


def mutated_line(line: str, kind: int) -> str:
    """``line`` (an ``:expect:`` or a step, with any remark) with its claim made wrong."""
    for option in (":expect:", ":correct:"):
        if line.strip().startswith(option):
            prefix, claim = line.split(option, 1)
            return f"{prefix}{option} {mutate(claim.strip(), kind)}"
    prefix, rest = line.split("= ", 1)
    claim, hash_, remark = rest.partition("#")
    return f"{prefix}= {mutate(claim.strip(), kind)}   {hash_}{remark}".rstrip()


def only(lines: list[str], keep: tuple[int, int]) -> list[str]:
    """``lines`` with every directive but ``keep`` turned into an empty comment."""
    copy = list(lines)
    for first, end in directives(lines):
        if (first, end) == keep:
            continue
        match = DIRECTIVE.match(lines[first])
        copy[first] = match.group("prefix") + ".. omitted"
        copy[first + 1:end] = [""] * (end - first - 1)
    return copy


def _document(text: str, name: str) -> str:
    # Each copy is its own document; labels must stay unique across documents.
    text = text.replace(":name: ", f":name: {name}-")
    return re.sub(r"^\.\. _([\w-]+):$", rf".. _{name}-\1:", text, flags=re.M) + "\n"


@pytest.fixture(scope="module")
def mutated(tmp_path_factory, chapter_build):
    lines = CHAPTER.read_text(encoding="utf8").splitlines()
    ranges = directives(lines)
    src = tmp_path_factory.mktemp("mutations") / "src"
    src.mkdir()
    shutil.copy(DOCS / "refs.bib", src)
    shutil.copytree(DOCS / "_static", src / "_static")
    (src / "chapter").mkdir()
    shutil.copy(CHAPTER, src / "chapter" / "original.rst")
    expected = {}
    for number, index in enumerate(verified_claims(lines)):
        keep = next(r for r in ranges if r[0] < index < r[1])
        copy = only(lines, keep)
        copy[index] = mutated_line(copy[index], number)
        name = f"m{number}"
        (src / "chapter" / f"{name}.rst").write_text(_document("\n".join(copy), name),
                                                     encoding="utf8")
        expected[name] = index + 1
    (src / "conf.py").write_text('extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]\n'
                                 'bibtex_bibfiles = ["refs.bib"]\n'
                                 'vcr_report = "report.json"\n'
                                 'suppress_warnings = ["bibtex.duplicate_citation"]\n')
    app = build_documents(src, [f"chapter/{name}" for name in ["original", *expected]])
    report = json.loads((app.outdir / "report.json").read_text(encoding="utf8"))
    return app, expected, report


def test_the_chapter_has_many_claims_to_mutate():
    lines = CHAPTER.read_text(encoding="utf8").splitlines()
    assert len(verified_claims(lines)) >= 150


def test_the_copies_keep_one_directive_at_its_lines():
    lines = CHAPTER.read_text(encoding="utf8").splitlines()
    first, end = directives(lines)[3]
    copy = only(lines, (first, end))
    assert len(copy) == len(lines)
    assert copy[first:end] == lines[first:end]
    assert sum(1 for line in copy if DIRECTIVE.match(line)) == 1


def test_a_step_is_mutated_and_its_remark_kept():
    assert mutated_line("   = 1/N * x   # the sum rule", 1) == "   = 2*(1/N * x)   # the sum rule"
    assert mutated_line("   = 0", 0) == "   = (0) + 1"
    assert mutated_line("   :expect: x.T", 2) == "   :expect: (x.T).T"
    assert mutated_line("   :correct: diag(x)", 0) == "   :correct: -(diag(x))"


def test_the_chapter_verifies_with_at_least_108_claims(chapter_build):
    assert chapter_build.statuscode == 0, chapter_build.warning.getvalue()[-2000:]
    report = json.loads((chapter_build.outdir / "report.json").read_text(encoding="utf8"))
    mine = [o for o in report["outcomes"] if o["document"] == "index"]
    assert mine, report["outcomes"][:1]
    assert all(o["status"] == "verified" for o in mine), [o for o in mine
                                                          if o["status"] != "verified"]
    assert sum(o["claims"] for o in mine) >= 108


def test_every_mutation_fails_the_build_at_its_line(mutated):
    app, expected, report = mutated
    assert app.statuscode == 1
    assert not misplaced(app, expected)
    assert not [e for e in errors(app) if "original.rst" in e]
    copy = [o for o in report["outcomes"] if o["document"] == "chapter/original"]
    assert sum(o["claims"] for o in copy) >= 108
    assert all(o["status"] == "verified" for o in copy)
    _verified, failed, errored = summary(app)
    assert failed + errored == len(expected)

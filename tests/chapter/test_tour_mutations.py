"""Mutation test of the English tour: every verified step and claim, made wrong, fails.

The tour (docs/tour.rst) promises that each line of its derivations is checked at build
time. So each step of each derivation not marked ``:mistake:``, each ``:expect:`` of the
other directives, and the ``:correct:`` of each mistake, is changed to a wrong one (its
sign, a factor of 2, or an offset for a zero), one change per document that holds only
that directive, as it stands in the tour. All documents are built as one parallel Sphinx
project; each must fail exactly once, at the changed line. A step that could be changed
without the build noticing (one the checks skip, or one compared with nothing) would not
be verified at all, nor would a correction that could be changed unseen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .mutants import build_documents, misplaced, summary
from .mutants import directives as page_directives

TOUR = Path(__file__).resolve().parents[2] / "docs" / "tour.rst"
DIRECTIVE = re.compile(r"^\.\. (derivation|derivative|gradient|jacobian|chain-rule)::")
ZERO = re.compile(r"0|zeros\(.*\)")


def directives(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Each directive of the tour: the 0-based index of its first line, and its lines."""
    return page_directives(lines, DIRECTIVE)


def wrong(claim: str, kind: int) -> str:
    """A wrong version of ``claim``: its sign or a factor of 2 (an offset if it is 0)."""
    if ZERO.fullmatch(claim):
        return f"({claim}) + 1"
    return f"2*({claim})" if kind % 2 else f"-({claim})"


def mutations(block: list[str]) -> list[tuple[int, str]]:
    """``(line in the block, mutated line)`` for each claim of a directive: every step of a
    derivation written on one line, or the ``:expect:`` of another directive; of a
    ``:mistake:``, its ``:correct:`` (the form students are told is right)."""
    if any(line.strip() == ":mistake:" for line in block):
        return [(offset, f"   :correct: {wrong(line.removeprefix('   :correct: ').strip(), 0)}")
                for offset, line in enumerate(block) if line.startswith("   :correct: ")]
    found = []
    for offset, line in enumerate(block):
        if line.startswith("   :expect: "):
            claim = line.removeprefix("   :expect: ").strip()
            found.append((offset, f"   :expect: {wrong(claim, len(found))}"))
        step = re.fullmatch(r"   = (.*?)(\s+#.*)?", line)
        continued = offset + 1 < len(block) and block[offset + 1].startswith("    ")
        if block[0].startswith(".. derivation::") and step and not continued:
            found.append((offset, f"   = {wrong(step.group(1), len(found))}"))
    return found


@pytest.fixture(scope="module")
def mutated(tmp_path_factory):
    lines = TOUR.read_text(encoding="utf8").splitlines()
    src = tmp_path_factory.mktemp("tour-mutations") / "src"
    src.mkdir()
    expected = {}
    head = ["Mutation", "========", ""]
    for start, block in directives(lines):
        for offset, line in mutations(block):
            name = f"l{start + offset + 1}"  # named by the tour's line it changes
            copy = list(block)
            copy[offset] = line
            (src / f"{name}.rst").write_text("\n".join(head + copy) + "\n", encoding="utf8")
            expected[name] = len(head) + offset + 1
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\n')
    app = build_documents(src, list(expected))
    return app, expected


def test_the_tour_has_many_checked_steps():
    lines = TOUR.read_text(encoding="utf8").splitlines()
    steps = [m for _, block in directives(lines) for m in mutations(block)]
    assert len(steps) >= 80
    assert sum(block[0].startswith(".. derivation::")
               for _, block in directives(lines)) >= 35


def test_every_mutation_fails_the_build_at_its_line(mutated):
    app, expected = mutated
    assert app.statuscode == 1
    assert not misplaced(app, expected)
    verified, failed, errored = summary(app)
    assert verified == 0
    assert failed + errored == len(expected)

"""Mutation test of the Matrix calculus page: every verified claim, made wrong, fails.

docs/matrix-calculus.rst promises that each Cookbook identity it shows is checked. So
each ``:expect:`` of a directive not marked ``:mistake:``, and each ``:correct:`` of a
mistake, is changed twice: by its sign or a factor of 2 (as the tour's test does), and
by a transpose, the slip the page is most about. A transposed claim must fail too,
unless the derivative is a symmetric matrix (or a scalar), where the transpose is the
same claim; those claims are listed below with the reason, so a new one cannot be
exempted silently. One document per change holds only that directive; all are built
as one parallel Sphinx project, and each must fail exactly once, at the changed line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .mutants import build_documents, misplaced, summary
from .mutants import directives as page_directives
from .test_tour_mutations import mutations

PAGE = Path(__file__).resolve().parents[2] / "docs" / "matrix-calculus.rst"
DIRECTIVE = re.compile(r"^\.\. (derivative|gradient|jacobian|chain-rule|hessian)::")

# Claims whose transpose is the same matrix, so a transposed claim rightly verifies.
SYMMETRIC = {
    "det(A + x*B) * trace(inv(A + x*B) @ B)": "a scalar",
    "outer(a, a)": "a a^T",
    "eye(n)": "the identity",
    "trace(A) * eye(n)": "a multiple of the identity",
    "2 * trace(X) * eye(n)": "a multiple of the identity",
    "eye(n) / norm(x - a) - outer(x - a, x - a) / norm(x - a)**3": "I - u u^T, scaled",
    "inv(P)": "the inverse of a symmetric matrix",
    "2 * D": "a diagonal matrix",
    "A + A.T": "a Hessian",
    "2 * X.T @ X": "a Hessian",
    "diag(p) - outer(p, p)": "a Hessian",
}


def directives(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Each directive of the page: the 0-based index of its first line, and its lines."""
    return page_directives(lines, DIRECTIVE)


def transposed(block: list[str]) -> list[tuple[int, str]]:
    """``(line in the block, mutated line)``: the claim (or correction) transposed, unless
    it is one of the symmetric claims."""
    option = "   :correct: " if any(line.strip() == ":mistake:" for line in block) \
        else "   :expect: "
    return [(offset, f"{option}({line.removeprefix(option).strip()}).T")
            for offset, line in enumerate(block)
            if line.startswith(option) and line.removeprefix(option).strip() not in SYMMETRIC]


def changes(lines: list[str]) -> dict[str, tuple[list[str], int]]:
    """Each mutated document's name, its directive's lines, and the line changed."""
    found = {}
    for start, block in directives(lines):
        for kind, changed in (("w", mutations(block)), ("t", transposed(block))):
            for offset, line in changed:
                copy = list(block)
                copy[offset] = line
                found[f"l{start + offset + 1}{kind}"] = (copy, offset)
    return found


@pytest.fixture(scope="module")
def mutated(tmp_path_factory):
    src = tmp_path_factory.mktemp("matrix-mutations") / "src"
    src.mkdir()
    head = ["Mutation", "========", ""]
    expected = {}
    for name, (block, offset) in changes(PAGE.read_text(encoding="utf8").splitlines()).items():
        (src / f"{name}.rst").write_text("\n".join(head + block) + "\n", encoding="utf8")
        expected[name] = len(head) + offset + 1
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\n')
    app = build_documents(src, list(expected))
    return app, expected


def test_the_page_checks_the_cookbook_and_its_mistakes():
    lines = PAGE.read_text(encoding="utf8").splitlines()
    found = changes(lines)
    assert sum(name.endswith("w") for name in found) >= 70
    # at least one transpose per square identity of the Cookbook's sections
    assert sum(name.endswith("t") for name in found) >= 55
    # every exemption is still on the page (a stale one would hide nothing, but mislead)
    claims = {line.split(":", 2)[2].strip() for line in lines
              if line.startswith(("   :expect: ", "   :correct: "))}
    assert set(SYMMETRIC) <= claims


def test_every_mutation_fails_the_build_at_its_line(mutated):
    app, expected = mutated
    assert app.statuscode == 1
    # every document's errors, so one run names every mutation that slipped through
    assert not misplaced(app, expected)
    verified, failed, errored = summary(app)
    assert verified == 0
    assert failed + errored == len(expected)

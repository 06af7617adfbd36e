"""The fast path changes no verdict: every corpus gives the same outcomes both ways.

Issue 15: "the fast path and SymPy must agree ... No claim may become verified on the
fast path that SymPy would reject." Each directive of the worked chapter
(``docs/chapter``), the tour (``docs/tour.rst``) and every Matrix Cookbook case of
``benchmarks/matrix.py`` (claims included) is verified twice by the pipeline, once with
the fast path (:data:`~sphinx_vcr.core.checking.numeric.FAST`: symengine compiles the
numeric checks) and once on SymPy alone (``lambdify``), and the *outcomes* must be the
same: status, subtype, whether it was exact, and the message (a failure fails both
ways, at the same point, since the points are seeded by the directive's text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.matrix import CASES
from sphinx_vcr.core.checking import compare, numeric
from sphinx_vcr.core.language import scan
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import limits, pipeline

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "docs" / "chapter" / "vector-chain-rule.zh.rst", ROOT / "docs" / "tour.rst"]


def _directives() -> list[tuple[str, tuple]]:
    found = []
    for path in DOCS:
        for k, case in enumerate(scan.directives(path.read_text(encoding="utf8"))):
            found.append((f"{path.stem}-{k}-{case[0]}", tuple(case)))
    for name, (kind, body, options) in CASES.items():
        options = dict(options)
        content = [body, options.pop("steps")] if kind == "derivation" else []
        found.append((f"cookbook-{name}", (kind, "" if content else body, content,
                                           options)))
    return found


DIRECTIVES = _directives()


def _outcome(case: tuple, fast: bool) -> tuple:
    kind, argument, content, options = case
    saved = numeric.FAST
    numeric.FAST = fast
    try:
        key = repr((kind, argument, content, sorted(options.items())))
        outcome = pipeline.compute(kind, argument, list(content), dict(options),
                                   Settings(), key)
    finally:
        numeric.FAST = saved
    return (outcome.status, outcome.subtype, outcome.mistake, outcome.exact,
            outcome.message, outcome.points)


def test_the_corpora_are_all_there():
    assert sum(name.startswith("vector-chain-rule") for name, _ in DIRECTIVES) >= 100
    assert sum(name.startswith("tour") for name, _ in DIRECTIVES) >= 50
    assert sum(name.startswith("cookbook") for name, _ in DIRECTIVES) == len(CASES)


@pytest.fixture
def unhurried(monkeypatch):
    """Exact decisions under budgets far above what the corpus needs: within its
    budget, whether an entry is settled exactly depends on the machine's load (a busy
    CI machine once left one Cookbook identity to the points on one path only), and
    the paths are compared on what the mathematics decides."""
    assert limits.remaining() == float("inf")  # no limit left over by another test
    for name in ("EXACT_SECONDS", "EXACT_TOTAL_SECONDS", "RATIONAL_SECONDS",
                 "SYMBOLIC_SECONDS"):
        monkeypatch.setattr(compare, name, 30 * getattr(compare, name))


@pytest.mark.parametrize("case", [c for _, c in DIRECTIVES],
                         ids=[name for name, _ in DIRECTIVES])
def test_same_outcome_on_both_paths(case, unhurried):
    fast, reference = _outcome(case, True), _outcome(case, False)
    if reference[0] != "verified":
        # A claim SymPy rejects is never verified on the fast path.
        assert fast[0] != "verified", (fast, reference)
    assert fast == reference

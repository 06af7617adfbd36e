"""Attacks of session 12 (attack-pieces-s12) on the region proofs and the probes.

Held: the region proofs (:mod:`sphinx_vcr.core.checking.pieces`) skipped no probe
wrongly in about 46,000 skips of random pieces, each checked in rationals. Found and
fixed here: a piece narrower than a double between two roots of a polynomial guard
that is not linear along the line (``x**2 - 2`` against ``x**2 - 2 - 10**-30``) got no
probe, so a claim wrong only there verified, with a badge saying every interval was
covered. Roots of such guards are now isolated exactly (``boundaries.separated``).
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.pipeline import compute


def run(kind, argument, options):
    return compute(kind, argument, [], dict(options), Settings(), "attack-s12")


@pytest.mark.parametrize("guard, slope", [
    ("x**2 - 2", "2*x"), ("x**3 - 2", "3*x**2"), ("x**3 - x - 1", "3*x**2 - 1"),
    ("x**4 - x - 1", "4*x**3 - 1"), ("x**5 - x - 1", "5*x**4 - 1"),
    ("x**6 - x - 1", "6*x**5 - 1"),
])
def test_a_claim_wrong_on_a_thin_piece_of_a_curved_guard_fails(guard, slope):
    out = run("derivative", f"max(0, {guard})",
              {"wrt": "x", "expect": f"where({guard} >= 10**-30, {slope}, 0)"})
    assert out.status == "failed", out.badge


def test_a_branch_off_by_1000_on_a_thin_piece_fails():
    out = run("derivative", "max(0, x**2 - 2)", {"wrt": "x", "expect": (
        "where(x**2 - 2 > 0, where(x**2 - 2 < 10**-30, 1000 + 2*x, 2*x), 0)")})
    assert out.status == "failed", out.badge


def test_a_thin_piece_of_a_circle_fails_in_two_variables():
    out = run("derivative", "max(0, x**2 + y**2 - 1)", {"wrt": "x", "vars": "y", "expect": (
        "where(x**2 + y**2 - 1 >= 10**-30, 2*x, 0)")})
    assert out.status == "failed", out.badge


@pytest.mark.parametrize("body, expect", [
    ("max(0, x**2 - 2)", "where(x**2 - 2 > 0, 2*x, 0)"),
    ("max(0, x**2 - 2) * y", "where(x**2 - 2 > 0, 2*x*y, 0)"),
    ("abs(x**3 - x)", "where(x**3 - x > 0, 1, -1) * (3*x**2 - 1)"),
    ("max(x**2 - 2, x - 1)", "where(x**2 - 2 > x - 1, 2*x, 1)"),
])
def test_correct_claims_with_curved_guards_still_verify(body, expect):
    out = run("derivative", body, {"wrt": "x", "vars": "y", "expect": expect})
    assert out.status == "verified", out.message

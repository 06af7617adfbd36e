"""The tour's two-layer network without ``:where:``: every hidden unit's kink is probed
on both sides, and the shortcuts that made that fast (a point's values reused across
entries, points on a unit's kink told by their zero coordinates, each unit's zero on
a line found in exact fractions) let no wrong claim through: one wrong on one side of
the kinks only, by a tiny amount, or in a band narrower than any spacing of points,
still fails at its line."""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

G = "gradient"
LET = "z = W1 @ x + b1, a = relu(z), e = W2 @ a + b2 - y"
BY_B1 = {"wrt": "b1[h]", "vars": "x[n], W1[h, n], W2[k, h], b2[k], y[k]", "let": LET,
         "layout": "denominator"}
BY_W1 = {"wrt": "W1[h, n]", "vars": "x[n], b1[h], W2[k, h], b2[k], y[k]", "let": LET,
         "layout": "denominator"}
RIGHT_B1 = "2 * (W2.T @ e) * where(z > 0, 1, 0)"
RIGHT_W1 = "2 * ((W2.T @ e) * where(z > 0, 1, 0)) @ x.T"

WRONG = [
    # off by 1e-30 where a unit is inactive (its gradient is 0 there): one side only
    (BY_B1, f"{RIGHT_B1} + where(z < 0, 10**-30, 0)"),
    # off only in a band of width 2e-9 around z = 0.5, on the active side
    (BY_B1, f"{RIGHT_B1} + where(abs(z - 0.5) < 1e-9, 1, 0)"),
    # the derivative's convention swapped with the mask of the other side
    (BY_W1, "2 * ((W2.T @ e) * where(z < 0, 1, 0)) @ x.T"),
    # a factor that is wrong only for inactive units far out (z < -100)
    (BY_W1, "2 * ((W2.T @ e) * where(z > 0, 1, where(z < -100, 1, 0))) @ x.T"),
]


@pytest.mark.parametrize("options, claim", WRONG)
def test_a_claim_wrong_on_one_side_of_the_kinks_fails(options, claim):
    outcome = check(G, "norm(e)**2", [], {**options, "expect": claim})
    assert outcome.status == "failed", (outcome.status, outcome.message)
    assert outcome.subtype == "mismatch" and outcome.option == "expect"


@pytest.mark.parametrize("options, claim", [(BY_B1, RIGHT_B1), (BY_W1, RIGHT_W1),
                                            (BY_W1, "2 * ((W2.T @ e) * where(z >= 0, 1, 0))"
                                                    " @ x.T")])
def test_the_right_gradient_verifies_with_either_convention_at_the_kink(options, claim):
    outcome = check(G, "norm(e)**2", [], {**options, "expect": claim})
    assert outcome.status == "verified", outcome.message

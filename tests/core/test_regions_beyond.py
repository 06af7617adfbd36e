"""Holes of the hostile review after issue 10 in the probes (W1, W5a), each with its twin.

W1: probes where a value overflows a double were dropped, so a claim wrong only there
(beyond ``exp(709.78)``) verified. W5a: boundaries solved in closed form were used only
inside ``[-1000, 1000]``, so a piece beyond it was never probed, and the badge still
said every interval was covered. Each wrong claim here verified (exit 0) before.
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

D = "derivative"

WRONG = [
    # W1: wrong only where the function or the derivative overflows a double
    ("exp(x)", "where(x > 710, 0, exp(x))"),
    ("log(1 + exp(x))", "where(x > 710, 0, sigmoid(x))"),
    ("x**200", "where(x > 40, 0, 200*x**199)"),
    ("x**200", "where(x < -40, 0, 200*x**199)"),
    # W5a: a piece beyond the window, whose boundary is known in closed form
    ("x**2", "where(x > 10**7, 0, 2*x)"),
    ("x**2", "where(x > 2000, where(x < 3000, 0, 2*x), 2*x)"),
    ("x**2", "where(x < -2000, where(x > -3000, 0, 2*x), 2*x)"),
    ("x**2", "where(x**2 > 10**14, 0, 2*x)"),
    ("x**2", "where(abs(x - 10**12) < 1, 0, 2*x)"),
]

RIGHT = [
    # the same pieces, right: values beyond a double are compared in many digits
    ("exp(x)", "where(x > 710, exp(x), exp(x))"),
    ("log(1 + exp(x))", "where(x > 710, sigmoid(x), 1/(1 + exp(-x)))"),
    ("x**200", "where(x > 40, 200*x**199, 200*x**199)"),
    ("x**2", "where(x > 10**7, 2*abs(x), 2*x)"),
    ("x**2", "where(x > 2000, where(x < 3000, 2*abs(x), 2*x), 2*x)"),
    ("x**2", "where(abs(x - 10**12) < 1, 2*abs(x), 2*x)"),
    # a real singularity is still skipped, not compared: 1/x at 0
    ("log(abs(x))", "where(x > 10**7, 1/x, 1/x)"),
]


@pytest.mark.parametrize(("body", "expect"), WRONG)
def test_wrong_claim_fails(body, expect):
    outcome = check(D, body, [], {"wrt": "x", "expect": expect})
    assert (outcome.status, outcome.subtype) == ("failed", "mismatch"), (
        outcome.message, outcome.badge)


@pytest.mark.parametrize(("body", "expect"), RIGHT)
def test_right_claim_verifies(body, expect):
    outcome = check(D, body, [], {"wrt": "x", "expect": expect})
    assert outcome.status == "verified", outcome.message


def test_boundaries_in_closed_form_cover_every_interval_at_any_magnitude():
    outcome = check(D, "x**2", [], {"wrt": "x",
                                    "expect": "where(x > 10**7, 2*abs(x), 2*x)"})
    assert outcome.badge.startswith("claim verified numerically at")
    assert "covering every interval between the boundaries of its pieces;" in outcome.badge


def test_boundaries_isolated_in_a_window_say_which_window():
    # sin(x) + x/10 = 1.162 has no closed form: it is isolated over [-1000, 1000] only,
    # so the badge must not claim the intervals beyond
    outcome = check(D, "x**2", [], {
        "wrt": "x", "expect": "where(sin(x) + x/10 > 1.162, 2*abs(x), 2*x)"})
    assert outcome.status == "verified", outcome.message
    assert ("covering every interval between the boundaries of its pieces in "
            "[-1000, 1000] (beyond it, at points only)") in outcome.badge

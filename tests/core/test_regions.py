"""Narrow regions: a claim wrong on a band of any width, near a periodic boundary, or
only at small magnitudes fails; its correct twin verifies; probes on kinks are skipped.

Every wrong claim here passed before probes were placed between boundaries (they were
compared only near the sample points, 1e-3 beyond a kink, and at |x| >= 1e-3).
"""

from __future__ import annotations

import pytest

from sphinx_vcr.core.running.verify import check

D, G, J = "derivative", "gradient", "jacobian"
HUBER = "where(abs(r) <= 0.001, r**2/(2*0.001), abs(r) - 0.001/2)"
#: 1, written so that SymPy does not fold it: a piece that is right but looks different
ONE = "(sin(x)**2 + cos(x)**2)"

WRONG = [
    # the four of issue 10
    (D, HUBER, [], {"wrt": "r", "expect": "r/abs(r)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(x > 0.5, where(x < 0.5005, 2*x + 1, 2*x), 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(sin(x) > 0.99999, 0, 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "2*x + sin(x)*exp(-10**9*x**2)"}),
    # narrower still, and a band far out
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(x - 0.7) < 1e-12, 0, 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(x - 700) < 0.001, 0, 2*x)"}),
    # wrong only in the bands at negative x (2*abs(x) is 2*x for x > 0)
    (D, "x**2", [], {"wrt": "x", "expect": "where(sin(x) > 0.99999, 2*abs(x), 2*x)"}),
    # a tangent pair of roots: the band (x - 1/2)**2 < 1e-20 is 2e-10 wide
    (D, "x**2", [], {"wrt": "x", "expect": "where((x - 0.5)**2 < 1e-20, 2*x + 1, 2*x)"}),
    # boundaries that only isolation in interval arithmetic finds (no closed form)
    (D, "x**2", [], {"wrt": "x",
                     "expect": "where(sin(x) + x/10 > 1.162, where(x < 3, 0, 2*x), 2*x)"}),
    # monotone layers: tanh, exp, sigmoid, log
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(tanh(x) - 0.3) < 1e-6, 0, 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(sigmoid(3*x) - 0.9) < 1e-7, 0, 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(log(x**2) - 1) < 1e-9, 0, 2*x)"}),
    # flat guards: relu(x) is 0 on the whole half-line x < 0, abs(x) - x on x > 0; no
    # sample point lies there, and a probe there is not on a kink
    (D, "relu(x)", [], {"wrt": "x", "expect": "where(relu(x) > 0, 1, 5)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(x) - x > 0, 2*x, 0)"}),
    # beyond the window of the boundaries: the axes reach to 1e6
    (D, "x**2", [], {"wrt": "x", "expect": "where(x > 5000, 0, 2*x)"}),
    # several variables: a band around the hyperbola x*y = 1
    (G, "x*y", [], {"wrt": "x, y", "expect": "[[where(abs(x*y - 1) < 1e-4, y + 1, y), x]]"}),
    # vectors of generic size: a band in each coordinate
    (J, "x**2", [], {"wrt": "x[n]", "expect": "diag(where(abs(x - 0.5) < 1e-4, 2*x + 1, 2*x))"}),
    # inside a :where: region
    (D, "x**2", [], {"wrt": "x", "where": "x > 0.5",
                     "expect": "where(x < 0.5005, 2*x + 1, 2*x)"}),
]

RIGHT = [
    (D, HUBER, [], {"wrt": "r", "expect": "where(abs(r) <= 0.001, r/0.001, r/abs(r))"}),
    # narrow bands whose pieces are right (2*abs(x) is 2*x there), which SymPy cannot fold
    (D, "x**2", [], {"wrt": "x",
                     "expect": "where(x > 0.5, where(x < 0.5005, 2*abs(x), 2*x), 2*x)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where((x - 0.5)**2 < 1e-20, 2*abs(x), 2*x)"}),
    # periodic boundaries, right on every period
    (D, "x**2", [], {"wrt": "x", "expect": f"where(sin(x) > 0.99999, 2*x*{ONE}, 2*x)"}),
    (D, "abs(sin(x))", [], {"wrt": "x", "expect": "where(sin(x) > 0, cos(x), -cos(x))"}),
    (D, "x**2", [], {"wrt": "x",
                     "expect": "where(sin(x) + x/10 > 1.162, where(x < 3, 2*abs(x), 2*x), 2*x)"}),
    # conventions at a kink differ, and both are right: the kink itself is skipped
    (D, "abs(x)", [], {"wrt": "x", "expect": "where(x >= 0, 1, -1)"}),
    (D, "relu(x)", [], {"wrt": "x", "expect": "where(x >= 0, 1, 0)"}),
    (D, "relu(x)", [], {"wrt": "x", "expect": "where(relu(x) > 0, 1, 0)"}),
    (D, "x**2", [], {"wrt": "x", "expect": "where(abs(x) - x > 0, 2*x, 2*abs(x))"}),
    (G, "x*y", [], {"wrt": "x, y",
                    "expect": f"[[where(abs(x*y - 1) < 1e-4, y*{ONE}, y), x]]"}),
    (J, "x**2", [], {"wrt": "x[n]",
                     "expect": "diag(where(abs(x - 0.5) < 1e-4, 2*abs(x), 2*x))"}),
    (D, "x**2", [], {"wrt": "x", "where": "x > 0.5",
                     "expect": "where(x < 0.5005, 2*abs(x), 2*x)"}),
    # a function with a narrow piece of its own
    (D, "where(abs(x - 0.5) < 0.0001, x**3, x**2)", [],
     {"wrt": "x", "expect": "where(abs(x - 0.5) < 0.0001, 3*x**2, 2*x)"}),
    # smooth, but tiny near 0: right at every magnitude
    (D, "x**2 + x*exp(-10**9*x**2)", [],
     {"wrt": "x", "expect": "2*x + exp(-10**9*x**2)*(1 - 2*10**9*x**2)"}),
]


def _id(case: tuple) -> str:
    kind, argument, _, options = case
    return f"{kind}:{argument}:{options.get('expect')}"


@pytest.mark.parametrize("case", WRONG, ids=_id)
def test_a_claim_wrong_on_a_narrow_region_fails(case):
    outcome = check(*case)
    assert outcome.status == "failed", (outcome.status, outcome.message, outcome.badge)
    assert outcome.subtype == "mismatch" and outcome.option == "expect"
    assert "claim does not hold at" in outcome.message


@pytest.mark.parametrize("case", RIGHT, ids=_id)
def test_its_correct_twin_verifies(case):
    outcome = check(*case)
    assert outcome.status == "verified", (outcome.message, outcome.badge)


def test_the_badge_says_every_interval_was_covered():
    outcome = check(*RIGHT[0])
    assert "covering every interval between the boundaries of its pieces" in outcome.badge


def test_a_failure_names_the_point_inside_the_band_in_full():
    outcome = check(*WRONG[1])
    # the midpoint of (0.5, 0.5005), not "x=0.5" rounded to three digits
    assert "claim does not hold at x=0.50025:" in outcome.message
    assert "it holds on part of the domain only" in outcome.message


def test_boundaries_that_cannot_be_found_are_named_in_the_badge():
    # sin(1/x) has infinitely many zeros near 0: neither solved nor isolated
    outcome = check(D, "x**2", [], {"wrt": "x",
                                    "expect": f"where(sin(1/x) > 0, 2*x, 2*x*{ONE})"})
    assert outcome.status == "verified", outcome.message
    assert "checked at points only" in outcome.badge
    assert "the boundaries of sin(1/x) were not found" in outcome.badge


def test_a_guard_named_in_the_badge_reads_as_the_author_writes_its_entries():
    one = "(sin(x1)**2 + cos(x1)**2)"
    outcome = check(G, "x.T @ x", [], {
        "wrt": "x[2]", "expect": f"where(sin(1/x1) > 0, 2*x.T, 2*x.T*{one})"})
    assert outcome.status == "verified", outcome.message
    assert "the boundaries of sin(1/x1) were not found" in outcome.badge


def test_too_many_boundaries_are_capped_and_say_so():
    # cos(x**2) = 1/2 has some 300000 zeros over [-1000, 1000]
    outcome = check(D, "x**2", [], {"wrt": "x",
                                    "expect": f"where(cos(x**2) > 0.5, 2*x*{ONE}, 2*x)"})
    assert outcome.status == "verified", outcome.message
    assert "(too many: capped)" in outcome.badge
    wrong = check(D, "x**2", [], {"wrt": "x", "expect": "where(cos(x**2) > 0.99, 0, 2*x)"})
    assert wrong.status == "failed"


def test_zero_coordinates_put_a_point_on_a_smooth_guard_exactly():
    """The shortcut of regions._clear: a guard without kinks that the exactly-zero
    coordinates of a point make 0 (``w*x + b`` on the axes) puts the point on a kink;
    a guard that is merely 0 there in value (``x + y`` at x = 1, y = -1), a guard with
    a kink, and a point where the zero coordinates leave the guard alone are left to
    the 50-digit decision."""
    import numpy as np
    import sympy

    from sphinx_vcr.core.checking.regions import _on_smooth_guard

    w, x, b, y = sympy.symbols("w x b y", real=True)
    symbols = [w, x, b, y]
    points = np.array([[3.0, 0.0, 0.0, 1.0],    # w*x + b = 0 by x = b = 0
                       [3.0, 0.0, 1.0, 0.0],    # b = 1: not zero
                       [0.0, 2.0, 0.0, -2.0],   # w = b = 0: zero
                       [1.0, 1.0, -1.0, 5.0],   # zero in value only
                       [0.0, 0.0, 0.0, 0.0]])
    found = _on_smooth_guard(symbols, points, [w * x + b])
    assert found.tolist() == [True, False, True, False, True]
    assert _on_smooth_guard(symbols, points, [sympy.Abs(w * x + b)]).tolist() == [False] * 5
    assert _on_smooth_guard(symbols, points, [x + y]).tolist() == [False, True, False,
                                                                   False, True]

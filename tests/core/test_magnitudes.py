"""Tiny magnitudes (issue 10, item 2): a claim whose values are all tiny is compared
as carefully as any other, and a certainly non-zero difference fails it.

The tolerance used to be absolute below magnitude 1 (1e-40 at 50 digits, 1e-140 at
150), so ``exp(-500)*sin(x)`` with ``:expect: -exp(-500)*cos(x)`` passed. Now values
are compared relative to their own magnitude, and the difference is enclosed in an
interval: one that excludes zero proves the claim wrong, however small. Rounding of an
exact cancellation (a value near zero, or large terms that cancel) still agrees.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

from sphinx_vcr.core.checking.compare import (
    DIGITS,
    FINE_DIGITS,
    FINE_TOLERANCE,
    TOLERANCE,
    agree,
    disagreement,
)
from sphinx_vcr.core.running.verify import check

x = sympy.Symbol("x", real=True)


# The tolerance: relative, with no absolute floor, at any exponent.

@pytest.mark.parametrize("a, b, same", [
    ("1e-200", "0", False),
    ("1e-200", "-1e-200", False),
    ("1e-200", "1.0000000000000000000000000000000000000000000001e-200", True),
    ("1e-200", "1.000000000000000000000000000001e-200", False),
    ("1e-100000000", "2e-100000000", False),
    ("3e+100000000", "3e+100000000", True),
    ("0", "0", True),
    ("1", "1.0000000000000000000000000000000000000000000001", True),
    ("1", "1.000000000000000000000000000001", False),
])
def test_agreement_is_relative_at_every_magnitude(a, b, same):
    with mpmath.workdps(DIGITS):
        assert agree(mpmath.mpf(a), mpmath.mpf(b), TOLERANCE, DIGITS) is same


def test_missing_values_never_agree():
    assert not agree(None, mpmath.mpf(1))
    assert not agree(mpmath.mpf(0), None)


# One point: disagreement() is the verdict of a comparison there.

def _values(exprs, point, digits):
    from sphinx_vcr.core.checking.certified import evaluate
    return evaluate(exprs, point, digits)


def _verdict(claim: sympy.Expr, actual: sympy.Expr, value: float, fine: bool = False,
             certify: bool = True):
    digits, tolerance = (FINE_DIGITS, FINE_TOLERANCE) if fine else (DIGITS, TOLERANCE)
    point = {x: value}
    claimed, real = _values([claim, actual], point, digits)
    return disagreement(claimed, real, sympy.expand(claim - actual), point, digits,
                        tolerance, certify)


def test_a_certainly_non_zero_difference_fails_however_small():
    tiny = sympy.sin(x) * sympy.exp(-10**9 * x**2)
    gap = _verdict(2 * x + tiny, 2 * x, 0.5)
    assert gap is not None and 0 < gap < mpmath.mpf("1e-108573620")
    # without certify (stage 1), values that agree relatively agree
    assert _verdict(2 * x + tiny, 2 * x, 0.5, certify=False) is None


@pytest.mark.parametrize("fine", [False, True])
def test_tiny_values_that_differ_fail(fine):
    small = sympy.exp(-500) * sympy.cos(x)
    assert _verdict(-small, small, 1.25, fine) is not None
    assert _verdict(sympy.Integer(0), sympy.Integer(10)**-200 * sympy.cos(x), 1.25,
                    fine) is not None
    assert _verdict(small * (1 + sympy.Integer(10)**-145), small, 1.25, fine) is not None


@pytest.mark.parametrize("fine", [False, True])
def test_rounding_of_an_exact_cancellation_agrees(fine):
    noise = sympy.sin(x)**2 + sympy.cos(x)**2 - 1   # zero, computed as about 1e-50
    assert _verdict(noise, sympy.Integer(0), 0.7, fine) is None
    assert _verdict(sympy.exp(-500) * (noise + 1), sympy.exp(-500), 0.7, fine) is None
    # terms of 1e43 that cancel leave 1e-7 at 50 digits: rounding, not a difference
    assert _verdict(1 + sympy.exp(100) * noise, sympy.Integer(1), 0.7, fine) is None


def test_a_difference_no_enclosure_can_decide_is_judged_by_the_values():
    # sin^2 + cos^2 > 1 is false, but no enclosure decides it: its hull is [0, 1]
    undecided = sympy.Piecewise((1, sympy.sin(x)**2 + sympy.cos(x)**2 > 1), (0, True))
    assert _verdict(undecided, sympy.Integer(0), 0.7) is None          # values agree
    assert _verdict(undecided, sympy.Integer(1), 0.7) is not None     # values differ


def test_a_value_that_is_not_a_number_is_a_difference():
    gap = _verdict(sympy.log(-x), sympy.Integer(1), 0.5)
    assert gap is not None and mpmath.isnan(gap)


# Whole directives: the examples of the issue fail, their correct twins verify.

WRONG = [
    ("exp(-500)*sin(x)", {"wrt": "x", "expect": "-exp(-500)*cos(x)"}),
    ("10**-200*sin(x)", {"wrt": "x", "expect": "0"}),
    ("x**2", {"wrt": "x", "expect": "2*x + sin(x)*exp(-10**9*x**2)"}),
    ("exp(-500)*sin(x)",
     {"wrt": "x", "expect": "where(x > 0, exp(-500)*cos(x), exp(-500)*cos(x)*(1 + 10**-145))"}),
    ("exp(-500)*abs(x)", {"wrt": "x", "expect": "exp(-500)"}),
    ("exp(-500)*relu(x)", {"wrt": "x", "expect": "exp(-500)*where(x > 0, 1, 1)"}),
    ("exp(-500)*sigmoid(x)",
     {"wrt": "x", "expect": "-exp(-500)*sigmoid(x)*(1 - sigmoid(x))"}),
    ("exp(-500)*max(x, y)", {"wrt": "x", "expect": "exp(-500)*where(x > y, 1, 1)"}),
    ("exp(-500)*min(x, y)", {"wrt": "x", "expect": "exp(-500)*where(x < y, 1, 1)"}),
    ("exp(-700)*x**2", {"wrt": "x", "expect": "exp(-700)*2*x + exp(-1000)"}),
    ("10**-300*sin(x)", {"wrt": "x", "expect": "10**-300*cos(x) + 10**-450*x"}),
    # tiny, and only on part of the domain, away from every sample point: the probes'
    # enclosures find them
    ("x**2", {"wrt": "x", "expect": "2*x + where(x > 2.5, 10**-300, 0)"}),
    ("x**2", {"wrt": "x", "expect": "2*x + where(x < -30, 10**-300, 0)"}),
    ("x**2", {"wrt": "x", "expect": "2*x + where(x > 2.5, exp(-10**9*x**2), 0)"}),
]

RIGHT = [
    ("exp(-500)*sin(x)", {"wrt": "x", "expect": "exp(-500)*cos(x)"}),
    ("10**-200*sin(x)", {"wrt": "x", "expect": "10**-200*cos(x)"}),
    ("x**2", {"wrt": "x", "expect": "2*x"}),
    ("exp(-500)*abs(x)", {"wrt": "x", "expect": "exp(-500)*where(x > 0, 1, -1)"}),
    ("exp(-500)*relu(x)", {"wrt": "x", "expect": "exp(-500)*where(x > 0, 1, 0)"}),
    ("exp(-500)*sigmoid(x)",
     {"wrt": "x", "expect": "exp(-500)*sigmoid(x)*(1 - sigmoid(x))"}),
    ("exp(-500)*max(x, y)", {"wrt": "x", "expect": "exp(-500)*where(x > y, 1, 0)"}),
    ("exp(-500)*min(x, y)", {"wrt": "x", "expect": "exp(-500)*where(x < y, 1, 0)"}),
    # exact cancellation that leaves rounding only, at 50 and at 150 digits (where()
    # keeps SymPy from deciding, so the points do)
    ("99", {"wrt": "x", "expect": "where(x > 0, sin(x)**2 + cos(x)**2 - 1, 0)"}),
    ("x**2", {"wrt": "x", "expect": "2*x + where(x > 0, sin(x)**2 + cos(x)**2 - 1, 0)"}),
    ("exp(-500)*sin(x)", {"wrt": "x", "expect":
                          "where(x > 0, exp(-500)*cos(x)*(sin(x)**2 + cos(x)**2), "
                          "exp(-500)*cos(x))"}),
    ("x", {"wrt": "x", "expect": "where(x > 0, 1 + exp(100)*(sin(x)**2 + cos(x)**2 - 1), 1)"}),
    ("10**-200*x", {"wrt": "x", "expect":
                    "where(x > 0, 10**-200*(sin(x)**2 + cos(x)**2), 10**-200)"}),
]


@pytest.mark.parametrize("function, options", WRONG, ids=lambda v: str(v))
def test_tiny_wrong_claims_fail(function, options):
    outcome = check("derivative", function, [], options)
    assert (outcome.status, outcome.subtype) == ("failed", "mismatch"), outcome.message
    assert outcome.option == "expect"


@pytest.mark.parametrize("function, options", RIGHT, ids=lambda v: str(v))
def test_tiny_right_claims_verify(function, options):
    outcome = check("derivative", function, [], options)
    assert outcome.status == "verified", outcome.message


def test_a_certified_difference_says_how_large_it_is():
    outcome = check("derivative", "x**2", [],
                    {"wrt": "x", "expect": "2*x + sin(x)*exp(-10**9*x**2)"})
    # 50 digits show the same value on both sides; the message gives the gap itself
    assert "(they differ by " in outcome.message
    assert "e-1" in outcome.message.split("(they differ by ")[1]

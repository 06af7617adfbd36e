"""Proofs by region (sphinx_vcr.core.checking.pieces): a probe skipped because its
region is proven must lie in that region, and only an exact zero skips it."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.checking import pieces
from sphinx_vcr.core.running.verify import check

x, y, z = sympy.symbols("x y z", real=True)
SYMBOLS = [x, y, z]


def _exact_sign(poly: sympy.Expr, point: np.ndarray) -> int:
    """The sign of ``poly`` at a point of doubles, in exact rational arithmetic."""
    value = poly.xreplace({s: sympy.Rational(Fraction(float(v)))
                           for s, v in zip(SYMBOLS, point)})
    return int(sympy.sign(value))


doubles = st.one_of(st.floats(-1e6, 1e6, allow_nan=False),
                    st.sampled_from([0.0, 1.0, -1.0, 1e-200, 3.0, 1 / 3]))
coefficients = st.fractions(max_denominator=50).filter(lambda c: c != 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coefficients, st.integers(0, 3), st.integers(0, 2),
                          st.integers(0, 1)), min_size=1, max_size=5),
       st.lists(st.tuples(doubles, doubles, doubles), min_size=1, max_size=8))
def test_a_sign_read_from_doubles_is_the_exact_sign(terms, points):
    poly = sum(sympy.Rational(c.numerator, c.denominator) * x**a * y**b * z**c_
               for c, a, b, c_ in terms)
    reader = pieces.polynomial(poly, SYMBOLS)
    if reader is None:
        assert sympy.sympify(poly).is_number  # only a constant is not read
        return
    array = np.array(points, dtype=float)
    for point, sign in zip(array, reader.signs(array)):
        if sign:
            assert sign == _exact_sign(poly, point)


def test_near_cancellation_and_underflow_leave_the_sign_uncertain():
    reader = pieces.polynomial(x - y, SYMBOLS)
    assert reader is not None
    points = np.array([[1.0, 1.0 + 2.0**-52, 0.0],   # 2**-52, far below the rounding bound
                       [2.0, 1.0, 0.0],               # plainly 1
                       [1.0, 1.0, 0.0]])              # exactly 0
    assert list(reader.signs(points)) == [0, 1, 0]
    # 1e-200 * 1e-200 is 0 in doubles though the product is positive
    product = pieces.polynomial(x * y, SYMBOLS)
    assert product is not None
    assert list(product.signs(np.array([[1e-200, 1e-200, 0.0]]))) == [0]


def test_only_polynomials_with_rational_coefficients_are_read():
    assert pieces.polynomial(sympy.sin(x), SYMBOLS) is None
    assert pieces.polynomial(x + sympy.pi, SYMBOLS) is None
    assert pieces.polynomial(x / y, SYMBOLS) is None
    assert pieces.polynomial(sympy.Rational(1, 3) * x - 2, SYMBOLS) is not None
    # too large to expand: not read (and not expanded to find out)
    assert pieces.polynomial((x + y + z)**200, SYMBOLS) is None
    assert pieces.polynomial((x + y)**3 * z, SYMBOLS) is not None
    # a coefficient past a double's range: not read (float() raised OverflowError)
    assert pieces.polynomial(10**400 * x - 1, SYMBOLS) is None


def test_a_guard_with_a_coefficient_past_a_double_leaves_a_correct_claim_verified():
    # SymPy multiplies the condition out to 10**310 x y - ...: found by attack-pieces-s12
    outcome = check("derivative", "max(0, x)**2 + y", [], {"wrt": "x", "expect": (
        "where((10**155*x - y)*(10**155*y - x) > 0, 2*max(0, x), max(0, 2*x))")})
    assert outcome.status == "verified", outcome.message


@pytest.mark.parametrize(("expr", "is_total"), [
    (sympy.Max(0, x) * sympy.exp(y) + sympy.Heaviside(x) * sympy.tanh(z), True),
    (sympy.Piecewise((x, x > 0), (0, True)), True),
    (sympy.Piecewise((x, x > 0)), False),    # no value where no condition holds
    (sympy.log(x), False),
    (sympy.sqrt(x**2 + 1), False),            # a root: left to the evaluation
    (1 / (1 + sympy.exp(-x)), False),         # a division: left to the evaluation
    (sympy.Function("f")(x), False),
])
def test_total_admits_only_what_has_a_value_everywhere(expr, is_total):
    assert pieces.total(expr) is is_total


def test_settle_selects_the_branch_of_each_piece():
    expr = (sympy.Max(0, x) + sympy.Heaviside(y) + sympy.Abs(z)
            + sympy.Piecewise((1, x > 1), (2, True)) + sympy.Max(x, y, z))
    sign = {-x: -1, y: 1, z: -1, x - 1: -1, x - y: 1, x - z: 1, y - z: 1}
    assert pieces.settle(expr, sign) == x + 1 - z + 2 + x
    # a guard without a sign leaves it unsettled
    del sign[y]
    assert pieces.settle(expr, sign) is None


D = "derivative"


@pytest.mark.parametrize("expect", [
    # wrong by a tiny constant in one region only, each kind of piece
    "where(x > 0, 2*x, 0) + where(x < -3, 10**-30, 0)",
    "where(x > 0, 2*x, 0) + 10**-30 * max(0, -x - 3)",
    "where(x > 0, 2*x, 0) + 10**-30 * (abs(x + 3) - x - 3)",
    "where(x > 0, 2*x*(1 + 10**-30*where(x**3 - 7*x > 0, 1, 0)), 0)",
])
def test_a_claim_wrong_on_one_region_only_still_fails(expect):
    outcome = check(D, "max(0, x)**2", [], {"wrt": "x", "expect": expect})
    assert outcome.status == "failed", outcome.badge


def test_a_correct_claim_with_pieces_is_proven_on_its_regions():
    outcome = check(D, "max(0, x)**2 + abs(x - 2)", [],
                    {"wrt": "x", "expect": "where(x > 0, 2*x, 0) + where(x > 2, 1, -1)"})
    assert outcome.status == "verified", outcome.message
    assert "proven equal exactly on the piece they lie in" in outcome.badge


def test_a_claim_without_a_value_somewhere_is_still_evaluated():
    # log(x) is not total: no probe is skipped, and the claim's missing values count
    outcome = check(D, "max(0, x)**2", [], {"wrt": "x",
                                             "expect": "where(x > 0, 2*x, 0*log(x + 5))"})
    assert outcome.status == "failed"
    assert "proven equal exactly" not in outcome.badge

"""Exact values, degree bounds and interpolation (:mod:`sphinx_vcr.core.symbolic.exact`),
and substitution once per distinct node (:func:`sphinx_vcr.core.symbolic.walk.replaced`).

Held here, against SymPy on random polynomials and rational functions: a value is
SymPy's exact value; a pole raises; the degree bound is never below the true degree
and ``None`` where the symbol divides; the polynomial along a line is the one SymPy
finds after substituting; ``replaced`` is ``xreplace``. And the guard that made
Cookbook (125) slow, ``det(X.T @ C @ X)`` at n = 3, is found along a line at once.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.symbolic import exact
from sphinx_vcr.core.symbolic.walk import replaced

x, y, z, t = sympy.symbols("x y z t", real=True)
ATOMS = [x, y, z, t, sympy.Integer(2), sympy.Rational(-3, 7)]


def polynomials(depth: int = 3) -> st.SearchStrategy[sympy.Expr]:
    leaves = st.sampled_from(ATOMS)
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda a, b: a * b, inner, inner),
        st.builds(lambda a, k: a ** k, inner, st.integers(0, 3))), max_leaves=12)


POINT = {x: Fraction(2, 3), y: Fraction(-5, 4), z: Fraction(7, 2)}


@settings(max_examples=150, deadline=None)
@given(polynomials())
def test_the_polynomial_along_a_line_is_sympys(expr):
    degree = exact.degree_bound(expr, t)
    assert degree is not None  # (no division: a polynomial in t)
    truth = sympy.Poly(expr.xreplace({s: sympy.Rational(v.numerator, v.denominator)
                                      for s, v in POINT.items()}), t)
    assert degree >= truth.degree()
    coefficients = exact.along(expr, t, degree, POINT)
    found = [sympy.Rational(c.numerator, c.denominator) for c in coefficients]
    assert sympy.Poly(found, t) == truth


@settings(max_examples=150, deadline=None)
@given(polynomials(), polynomials())
def test_a_rational_functions_value_is_sympys(top, bottom):
    assume(bottom != 0)  # (SymPy writes x/0 as zoo)
    expr = top / bottom
    assert exact.plain(expr)
    values = {**POINT, t: Fraction(1, 3)}
    rule = {s: sympy.Rational(v.numerator, v.denominator) for s, v in values.items()}
    denominator = bottom.xreplace(rule)
    if denominator == 0:
        with pytest.raises(ZeroDivisionError):
            exact.value(expr, values)
        return
    expected = top.xreplace(rule) / denominator
    assert exact.value(expr, values) == Fraction(int(expected.p), int(expected.q))


def test_a_symbol_that_divides_has_no_degree_bound():
    assert exact.degree_bound(x / (t + 1), t) is None
    assert exact.degree_bound(t**2 / (x + 1), t) == 2
    # a bound, not the degree: cancellation in a sum is not seen
    assert exact.degree_bound((t + 1)**2 - t**2, t) == 2


def test_only_sums_products_and_integer_powers_are_plain():
    assert exact.plain(x**2 / (y - 3) + sympy.Rational(1, 2))
    for other in (sympy.sqrt(x), sympy.exp(x), sympy.log(6) - sympy.log(2), sympy.pi * x,
                  sympy.Float(0.5) * x, sympy.Abs(x)):
        assert not exact.plain(other), other


def test_a_missing_value_is_a_key_error():
    with pytest.raises(KeyError):
        exact.value(x + y, {x: Fraction(1)})


def test_the_determinant_guard_of_cookbook_125_is_a_quadratic_along_each_entry():
    X = sympy.Matrix(3, 3, sympy.symbols("X:9", real=True))
    c = sympy.symbols("c:6", real=True)
    C = sympy.Matrix([[c[0], c[1], c[2]], [c[1], c[3], c[4]], [c[2], c[4], c[5]]])
    guard = (X.T * C * X).det(method="berkowitz")
    along = X[0, 0]
    assert exact.degree_bound(guard, along) == 2
    values = {s: Fraction(k + 2, 17 + 3 * k) for k, s in enumerate(sorted(
        guard.free_symbols - {along}, key=str))}
    coefficients = exact.along(guard, along, 2, values)
    rule = {s: sympy.Rational(v.numerator, v.denominator) for s, v in values.items()}
    truth = sympy.Poly(guard.xreplace(rule), along).all_coeffs()
    assert [sympy.Rational(f.numerator, f.denominator) for f in coefficients] == truth


@settings(max_examples=100, deadline=None)
@given(polynomials(), st.dictionaries(st.sampled_from([x, y, z]),
                                      st.sampled_from([y, z * 2, sympy.Integer(0), x + 1]),
                                      max_size=2))
def test_replaced_is_xreplace(expr, rule):
    assert replaced(expr, dict(rule)) == expr.xreplace(rule)


def test_replaced_shares_its_memo_between_entries():
    shared = (x + y)**2
    memo = {x: z}
    first = replaced(shared + 1, memo)
    assert memo[shared] == (z + y)**2  # kept for the next entry
    assert replaced(shared * 3, memo) == 3 * (z + y)**2 and first == (z + y)**2 + 1


@pytest.mark.parametrize("expr, digits", [
    (sympy.exp(x + sympy.Integer(10)**-200), 201),   # 1/10**200: 201 digits below
    (sympy.exp(x) * (1 + sympy.exp(-1000)), 435),    # exp(-1000) is 5e-435
    (2 * x + sympy.Rational(1, 3), 1),
    (sympy.sin(x) + 1, 1),
    (x + sympy.exp(-sympy.exp(10)), exact.MAX_CONSTANT_DIGITS),  # capped
])
def test_constant_digits_are_what_a_comparison_must_resolve(expr, digits):
    assert exact.constant_digits([expr]) == digits


@pytest.mark.parametrize("expr, found", [
    (x + sympy.exp(-sympy.exp(10)), sympy.exp(-sympy.exp(10))),   # 1e-9566
    (x + sympy.exp(-5000), sympy.exp(-5000)),                      # 1e-2172
    (x * sympy.Rational(1, 10**1600), sympy.Rational(1, 10**1600)),
    (x + sympy.exp(-2000), None),                                  # 869 digits: resolved
    (sympy.exp(x + sympy.Integer(10)**-200), None),
])
def test_a_constant_longer_than_the_checks_resolve_is_found(expr, found):
    assert exact.too_long_constant([expr]) == found

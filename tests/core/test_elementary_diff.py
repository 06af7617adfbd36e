"""symengine's derivative of an elementary expression is SymPy's, in SymPy's symbols.

:func:`sphinx_vcr.core.calculus.differentiate.real_diff` hands elementary expressions
(sums, products, powers, exp log sin cos tan tanh sinh cosh) to symengine
(:mod:`sphinx_vcr.core.symbolic.elementary`). Held here: the result equals SymPy's own
``diff`` (the difference expands to zero) on random expressions and on every family of
the stand-ins for abstract functions; symbols come back by identity (two called ``x``
stay two, dummies stay the same dummies); whatever carries a rule of the language (abs,
steps, max, where, an undefined function) is left to SymPy.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.calculus.differentiate import real_diff
from sphinx_vcr.core.checking.replacements import replacement
from sphinx_vcr.core.symbolic import Unsupported, elementary

x, y = sympy.symbols("x y", real=True)
FUNCTIONS = [sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh,
             sympy.sinh, sympy.cosh]


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal: exactly, or (forms SymPy leaves apart, x**(x - 1) and x**x/x) to 40
    digits at points where both have a value."""
    if sympy.expand(a - b) == 0:
        return True
    compared = 0
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for values in ((7, 2, -5), (13, -15, 4), (21, 9, 11)):
        point = {s: sympy.Rational(values[k % 3] + k, 10) for k, s in enumerate(symbols)}
        u, v = (sympy.N(e.subs(point), 50) for e in (a, b))
        if not (u.is_finite and v.is_finite and u.is_real and v.is_real):
            continue  # (complex values differ by a branch: (1/y)**x at y < 0)
        compared += 1
        if abs(u - v) > sympy.Float(10) ** -40 * (1 + abs(u)):
            return False
    return compared > 0 or sympy.simplify(a - b) == 0


def _expressions() -> st.SearchStrategy[sympy.Expr]:
    leaves = st.sampled_from([x, y, sympy.Integer(2), sympy.Rational(-3, 7), sympy.pi])
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda a, b: a * b, inner, inner),
        st.builds(lambda a, k: a ** k, inner,
                  st.sampled_from([2, 3, -1, sympy.Rational(1, 2), sympy.Rational(-2, 3)])),
        st.builds(lambda a, b: a ** b, inner, inner),
        st.builds(lambda f, a: f(a), st.sampled_from(FUNCTIONS), inner)), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_expressions())
def test_the_derivative_is_sympys(expr):
    if not elementary.elementary(expr):
        return  # a zoo from a power of zero: SymPy's (see the test of what is refused)
    expected = sympy.diff(expr, x)
    try:
        fast = elementary.diff(expr, x)
    except Unsupported:
        # log of a negative base (log(3/7) + I*pi), 0**x: no real value; numbers
        # beyond a double's exact integers (the translation compiles too): SymPy's
        big = any(max(abs(r.p), r.q) > 2**53 for r in expr.atoms(sympy.Rational))
        assert big or expected.has(sympy.I, sympy.nan, sympy.zoo, sympy.oo)
        return
    assert _same(fast, expected)


@pytest.mark.parametrize("arity", [1, 2, 3])
@pytest.mark.parametrize("number", range(3))
def test_stand_ins_of_every_family_are_differentiated_alike(arity, number):
    params, body = replacement("f", arity, number, 0, seed=11)
    for param in params:
        fast = elementary.diff(body, param)
        assert fast.free_symbols <= set(params)  # the same dummies, not copies
        assert _same(fast, sympy.diff(body, param))


def test_symbols_come_back_by_identity_not_by_name():
    plain = sympy.Symbol("x")  # a different symbol from the real x
    dummy = sympy.Dummy("x", real=True)
    assert elementary.diff(x * plain * dummy, x) == plain * dummy
    assert elementary.diff(x * plain * dummy, dummy) == x * plain
    assert elementary.diff(sympy.exp(x * plain), plain) == x * sympy.exp(x * plain)


@pytest.mark.parametrize("make", [
    lambda: sympy.Abs(x - 1), lambda: sympy.Heaviside(x), lambda: sympy.Max(0, x),
    lambda: sympy.sign(x) * x, lambda: sympy.Piecewise((x, x > 0), (0, True)),
    lambda: sympy.Function("f")(x), lambda: sympy.Float(0.5) * x, lambda: sympy.atan(x),
    lambda: sympy.log(x, 2) * sympy.exp(sympy.Abs(y))])
def test_what_carries_a_rule_of_the_language_stays_in_sympy(make):
    with pytest.raises(Unsupported):
        elementary.diff(make(), x)


def test_the_real_rules_still_hold_around_the_fast_path():
    # abs: sign(u) du (SymPy's own rule for an argument not known real needs re and im)
    assert real_diff(sympy.Abs(sympy.sqrt(x) - 1), x) == \
        sympy.sign(sympy.sqrt(x) - 1) / (2 * sympy.sqrt(x))
    # an elementary result equal to SymPy's, and SymPy's for the rest
    assert real_diff(sympy.exp(x) * sympy.sin(y * x), x) == \
        sympy.diff(sympy.exp(x) * sympy.sin(y * x), x)
    assert real_diff(sympy.Max(0, x) * x, x) == sympy.diff(sympy.Max(0, x) * x, x)

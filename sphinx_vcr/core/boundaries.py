"""Where a guard changes sign along a line: its zeros, solved in closed form where
SymPy can, isolated in interval arithmetic where it cannot.

A guard (the side of a condition, the argument of ``abs``, a denominator; see
:func:`.numeric.guard_expressions`) restricted to a coordinate line is an expression in
one variable ``t``. Its zeros are found by peeling off one invertible layer at a time:
constants added or multiplied, powers and roots, ``exp``, ``log``, ``tanh``, ``abs``;
``sin``, ``cos`` and ``tan`` with every period over the window; polynomials by exact
root isolation (SymPy's ``Poly.intervals``); the pieces of ``max``, ``min`` and
``where``. What is left is isolated by :func:`.intervals.isolate`.

Every answer is a *superset*: it may hold places where the guard does not change sign
(the other branch of an ``abs``, a root of an inactive piece), which only split an
interval in two, but it never leaves out a zero, a pole or a domain edge in the window.
So between consecutive answers every guard keeps its sign, and one point in each such
interval sees every piece of a claim.
"""

from __future__ import annotations

import mpmath
import sympy

from . import intervals
from .numeric import guard_expressions

#: More zeros than this (a periodic guard over a long window) are not enumerated.
MAX_ZEROS = 2048
DIGITS = 40          # of the numbers that inverse functions give (zeros are doubles)
EPS = sympy.Rational(1, 10**20)  # width of a polynomial's isolating intervals

Zeros = list[tuple[float, float]]  # enclosing intervals, points as (r, r)


class Unsolved(Exception):
    """The zeros of a guard could not be found (``reason`` says what stopped it)."""


class TooMany(Exception):
    """More than :data:`MAX_ZEROS` zeros in the window."""


def zeros(expr: sympy.Expr, t: sympy.Symbol, lo: float, hi: float) -> Zeros:
    """Intervals of ``[lo, hi]`` enclosing every zero, pole and domain edge of ``expr``
    in ``t``, sorted and merged. Raises :class:`Unsolved` or :class:`TooMany`."""
    found = _preimage(expr, t, sympy.Integer(0), lo, hi)
    if len(found) > MAX_ZEROS:
        raise TooMany
    return intervals.merge(found)


def _preimage(expr: sympy.Expr, t: sympy.Symbol, target: sympy.Rational,
              lo: float, hi: float) -> Zeros:
    """Where ``expr`` equals ``target`` (an exact rational), plus where it may jump."""
    if not expr.has(t):
        return []
    if expr == t:
        return _point(target, lo, hi)
    if expr.is_polynomial(t):
        return _polynomial(expr - target, t, lo, hi)
    solve = _LAYERS.get(type(expr))
    if solve is not None:
        found = solve(expr, t, target, lo, hi)
        if found is not None:
            return found
    return _isolated(expr - target, t, lo, hi)


def _exact(value: object) -> sympy.Rational:
    """A number as an exact rational (to ``DIGITS`` digits if it is not one)."""
    number = sympy.sympify(value)
    if number.is_Rational:
        return number
    return sympy.Rational(sympy.Float(number.evalf(DIGITS + 5), DIGITS + 5))


def _point(value: sympy.Rational, lo: float, hi: float) -> Zeros:
    root = float(value)
    return [(root, root)] if lo <= root <= hi else []


def _polynomial(poly: sympy.Expr, t: sympy.Symbol, lo: float, hi: float) -> Zeros:
    coefficients = [_exact(c) for c in sympy.Poly(poly, t).all_coeffs()]
    while coefficients and coefficients[0] == 0:
        coefficients.pop(0)
    if len(coefficients) < 2:
        return []
    if len(coefficients) == 2:
        return _point(-coefficients[1] / coefficients[0], lo, hi)
    exact = sympy.Poly(coefficients, t, domain="QQ")
    found = []
    # Isolating intervals with rational ends, refined until each is (relatively) tiny:
    # exact arithmetic, so no zero of a tangent pair (a band of any width) is lost.
    for (a, b), _ in exact.intervals(eps=EPS):
        a, b = float(a), float(b)
        if b >= lo and a <= hi:
            found.append((a, b))
    return found


def _isolated(expr: sympy.Expr, t: sympy.Symbol, lo: float, hi: float) -> Zeros:
    try:
        return intervals.isolate(expr, t, lo, hi)
    except intervals.Unsupported as err:
        raise Unsolved(str(err)) from None
    except intervals.Exhausted:
        raise Unsolved("budget") from None


def _union(parts: list[tuple[sympy.Expr, sympy.Rational]], t: sympy.Symbol,
           lo: float, hi: float) -> Zeros:
    return [z for expr, target in parts for z in _preimage(expr, t, target, lo, hi)]


def _add(expr: sympy.Add, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros | None:
    constant, rest = expr.as_independent(t, as_Add=True)
    if rest.is_Add:
        return None  # several terms in t, not a polynomial: isolated
    return _preimage(rest, t, _exact(target - constant), lo, hi)


def _mul(expr: sympy.Mul, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros | None:
    factor, rest = expr.as_independent(t, as_Add=False)
    if rest.is_Mul:
        if target != 0:
            return None
        # a product is zero (or changes sign) only where one of its factors does
        return _union([(f, sympy.Integer(0)) for f in rest.args], t, lo, hi)
    factor = _exact(factor)
    if factor == 0:
        return None  # a factor too small for DIGITS digits: isolated instead
    return _preimage(rest, t, target / factor, lo, hi)


def _pow(expr: sympy.Pow, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros | None:
    base, exponent = expr.args
    if exponent.has(t):
        if not (base.is_Number and base.is_positive and base != 1):
            return None
        if target <= 0:
            return []
        return _preimage(exponent, t, _exact(sympy.log(target) / sympy.log(base)), lo, hi)
    # the base's zeros: where the power is zero, has a pole or a domain edge
    edges = _preimage(base, t, sympy.Integer(0), lo, hi)
    if exponent.is_Integer:
        n = int(exponent)
        if target == 0:
            return edges
        if n < 0:
            return edges + _preimage(base ** -n, t, 1 / target, lo, hi)
        if n % 2 == 0 and target < 0:
            return edges
        root = _exact(sympy.sign(target) * sympy.Abs(target) ** sympy.Rational(1, n))
        return edges + _union([(base, root)] + ([(base, -root)] if n % 2 == 0 else []),
                              t, lo, hi)
    if exponent.is_Rational:
        # real for a non-negative base only, and then non-negative
        if target <= 0:
            return edges
        return edges + _preimage(base, t, _exact(target ** (1 / exponent)), lo, hi)
    return None


def _exp(expr: sympy.exp, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros:
    if target <= 0:
        return []
    return _preimage(expr.args[0], t, _exact(sympy.log(target)), lo, hi)


def _log(expr: sympy.log, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros:
    inner = expr.args[0]
    return _preimage(inner, t, sympy.Integer(0), lo, hi) + _preimage(
        inner, t, _exact(sympy.exp(target)), lo, hi)


def _tanh(expr: sympy.tanh, t: sympy.Symbol, target: sympy.Rational,
          lo: float, hi: float) -> Zeros:
    if abs(target) >= 1:
        return []
    return _preimage(expr.args[0], t, _exact(sympy.atanh(target)), lo, hi)


def _abs(expr: sympy.Abs, t: sympy.Symbol, target: sympy.Rational,
         lo: float, hi: float) -> Zeros:
    inner = expr.args[0]
    if target < 0:
        return []
    if target == 0:
        return _preimage(inner, t, target, lo, hi)
    return _union([(inner, target), (inner, -target)], t, lo, hi)


def _periodic(expr: sympy.Function, t: sympy.Symbol, target: sympy.Rational,
              lo: float, hi: float) -> Zeros | None:
    """``sin``, ``cos``, ``tan``: one family of zeros per period of the argument, over
    the argument's range on the window (from its interval enclosure)."""
    inner = expr.args[0]
    try:
        span = intervals.enclosure(inner, t)(intervals.interval(lo, hi))
    except intervals.Unsupported:
        return None
    if span is None or not (mpmath.isfinite(intervals.lower(span))
                            and mpmath.isfinite(intervals.upper(span))):
        return None
    with mpmath.workdps(DIGITS):
        value = mpmath.mpf(target.p) / target.q
        if isinstance(expr, sympy.tan):
            # and the poles, where tan changes sign too
            starts, period = [mpmath.atan(value), mpmath.pi / 2], mpmath.pi
        elif abs(value) > 1:
            return []
        elif isinstance(expr, sympy.sin):
            first = mpmath.asin(value)
            starts, period = [first, mpmath.pi - first], 2 * mpmath.pi
        else:
            first = mpmath.acos(value)
            starts, period = [first, -first], 2 * mpmath.pi
        low, high = intervals.lower(span), intervals.upper(span)
        values = []
        for start in starts:
            k_low = int(mpmath.ceil((low - start) / period))
            k_high = int(mpmath.floor((high - start) / period))
            if len(values) + k_high - k_low + 1 > MAX_ZEROS:
                raise TooMany
            values += [start + k * period for k in range(k_low, k_high + 1)]
    return [z for v in values
            for z in _preimage(inner, t, sympy.Rational(sympy.Float(v, DIGITS)), lo, hi)]


def _pieces(expr: sympy.Basic, t: sympy.Symbol, target: sympy.Rational,
            lo: float, hi: float) -> Zeros:
    """``max``, ``min``, ``where``: every piece's zeros, and where the pieces switch."""
    if isinstance(expr, sympy.Piecewise):
        values = [value for value, _ in expr.args]
    else:
        values = list(expr.args)
    switches = guard_expressions([expr])
    return _union([(v, target) for v in values]
                  + [(s, sympy.Integer(0)) for s in switches], t, lo, hi)


def _step(expr: sympy.Basic, t: sympy.Symbol, target: sympy.Rational,
          lo: float, hi: float) -> Zeros:
    """``sign`` and the step function are constant but where their argument is zero."""
    return _preimage(expr.args[0], t, sympy.Integer(0), lo, hi)


_LAYERS = {
    sympy.Add: _add, sympy.Mul: _mul, sympy.Pow: _pow, sympy.exp: _exp, sympy.log: _log,
    sympy.tanh: _tanh, sympy.Abs: _abs, sympy.sin: _periodic, sympy.cos: _periodic,
    sympy.tan: _periodic, sympy.Max: _pieces, sympy.Min: _pieces,
    sympy.Piecewise: _pieces, sympy.sign: _step, sympy.Heaviside: _step,
}

"""Rigorous interval enclosures of one-variable SymPy expressions, and root isolation.

The fallback of :mod:`.boundaries`: where no closed form gives the zeros of a guard
along a line, bisection in interval arithmetic (mpmath's ``iv``, outward rounded)
*proves* that the sub-intervals it drops hold no zero, and encloses every zero (or
jump, or pole) in an interval narrower than ``EPS`` relative. Nothing is sampled, so no
zero, however close to another, is lost between samples; what the bisection cannot
settle within its budget is reported as not found, never guessed.

An enclosure maps an interval of the variable to an interval containing every real
value of the expression on it, or to ``None`` where the expression has no real value at
all there (a logarithm of negatives). Where part of the interval lies outside the
domain the enclosure is unbounded: such intervals are split, not trusted.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy

iv = mpmath.iv
EPS = 1e-12          # relative width below which an undecided interval counts as a zero
INF = mpmath.mpf("inf")

Enclosure = Callable[[object], object]  # iv interval -> iv interval | None
#: Functions whose jumps make a derivative's sign say nothing about monotonicity.
DISCONTINUOUS = (sympy.Piecewise, sympy.Heaviside, sympy.sign)


class Unsupported(Exception):
    """An expression the enclosures do not cover (its zeros are then not found)."""


class Exhausted(Exception):
    """The bisection used up its budget before every zero was enclosed."""


class Budget:
    """How many more enclosures the isolations of one claim may evaluate: each costs
    tens of microseconds, and a guard with zeros crowding together (``sin(1/x)``)
    would take any number of them."""

    def __init__(self, enclosures: int) -> None:
        self.left = enclosures

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise Exhausted


def interval(lo: float | mpmath.mpf, hi: float | mpmath.mpf) -> object:
    return iv.mpf([lo, hi])


def lower(value: object) -> mpmath.mpf:
    return mpmath.mp.make_mpf(value._mpi_[0])  # type: ignore[attr-defined]


def upper(value: object) -> mpmath.mpf:
    return mpmath.mp.make_mpf(value._mpi_[1])  # type: ignore[attr-defined]


def _hull(a: object, b: object) -> object:
    if a is None:
        return b
    if b is None:
        return a
    return interval(min(lower(a), lower(b)), max(upper(a), upper(b)))


def _everything() -> object:
    return interval(-INF, INF)


def enclosure(expr: sympy.Basic, t: sympy.Symbol) -> Enclosure:
    """An enclosure of ``expr`` as a function of ``t`` (raises :class:`Unsupported`)."""
    if expr == t:
        return lambda x: x
    if expr.is_Number or expr.is_NumberSymbol:
        value = _constant(expr)
        return lambda x: value
    if isinstance(expr, sympy.Add | sympy.Mul):
        parts = [enclosure(a, t) for a in expr.args]
        combine = (lambda a, b: a + b) if isinstance(expr, sympy.Add) else (lambda a, b: a * b)
        return lambda x: _fold(combine, [p(x) for p in parts])
    if isinstance(expr, sympy.Pow):
        return _power(expr, t)
    if isinstance(expr, sympy.Piecewise):
        return _piecewise(expr, t)
    if isinstance(expr, sympy.Max | sympy.Min):
        parts = [enclosure(a, t) for a in expr.args]
        pick = max if isinstance(expr, sympy.Max) else min
        return lambda x: _extreme(pick, [p(x) for p in parts])
    if len(expr.args) == 1 or isinstance(expr, sympy.Heaviside):
        inner = enclosure(expr.args[0], t)
        outer = _UNARY.get(type(expr))
        if outer is None:
            raise Unsupported(type(expr).__name__)
        return lambda x: _apply(outer, inner(x))
    raise Unsupported(type(expr).__name__)


def _constant(expr: sympy.Basic) -> object:
    if expr.is_Rational:
        return iv.mpf(int(expr.p)) / iv.mpf(int(expr.q))
    if expr.is_Float:
        return iv.mpf(mpmath.mpf(expr))  # a binary float: exact
    if expr is sympy.pi:
        return iv.pi
    if expr is sympy.E:
        return iv.e
    raise Unsupported(str(expr))


def _fold(combine: Callable[[object, object], object], values: list[object]) -> object:
    if any(v is None for v in values):
        return None
    result = values[0]
    for value in values[1:]:
        result = combine(result, value)
    return result


def _extreme(pick: Callable, values: list[object]) -> object:
    if any(v is None for v in values):
        return None
    return interval(pick(lower(v) for v in values), pick(upper(v) for v in values))


def _apply(outer: Callable[[object], object], value: object) -> object:
    return None if value is None else outer(value)


def _power(expr: sympy.Pow, t: sympy.Symbol) -> Enclosure:
    base, exponent = expr.args
    if not exponent.has(t):
        inner = enclosure(base, t)
        if exponent.is_Integer:
            n = int(exponent)
            return lambda x: _apply(lambda b: _integer_power(b, n), inner(x))
        if exponent.is_Rational:
            # real only for a non-negative base, as NumPy and mpmath evaluate it
            p, q = int(exponent.p), int(exponent.q)
            return lambda x: _apply(lambda b: _nonnegative_power(b, p, q), inner(x))
        raise Unsupported(str(expr))
    if base.is_Number and base.is_positive:
        # b**u = exp(u * log(b))
        log_base = iv.log(_constant(base))
        inner = enclosure(exponent, t)
        return lambda x: _apply(lambda u: iv.exp(u * log_base), inner(x))
    raise Unsupported(str(expr))


def _integer_power(base: object, n: int) -> object:
    if n >= 0:
        return base ** n
    if lower(base) <= 0 <= upper(base):
        return _everything()  # a pole inside
    return iv.mpf(1) / base ** (-n)


def _nonnegative_power(base: object, p: int, q: int) -> object:
    """``base**(p/q)`` where real: the base must be non-negative."""
    if upper(base) < 0:
        return None
    if lower(base) < 0:
        return _everything()  # partly outside the domain: not to be trusted
    root = iv.exp(iv.log(base) / q) if lower(base) > 0 else _root_from_zero(base, q)
    return _integer_power(root, p)


def _root_from_zero(base: object, q: int) -> object:
    top = upper(base)
    if top == 0:
        return iv.mpf(0)
    return interval(0, upper(iv.exp(iv.log(interval(top, top)) / q)))


def _log(value: object) -> object:
    if upper(value) <= 0:
        return None
    if lower(value) <= 0:
        return _everything()
    return iv.log(value)


def _tan(value: object) -> object:
    cos = iv.cos(value)
    if lower(cos) <= 0 <= upper(cos):
        return _everything()
    return iv.sin(value) / cos


def _tanh(value: object) -> object:
    # increasing: the enclosures of its values at the two ends bound it
    def at(end: mpmath.mpf) -> object:
        e = iv.exp(2 * interval(end, end))
        return 1 - 2 / (e + 1)
    return interval(lower(at(lower(value))), upper(at(upper(value))))


def _step(value: object, negative: int, positive: int) -> object:
    """A step function's values: one side's, or (across the step) the hull of both."""
    if lower(value) > 0:
        return iv.mpf(positive)
    if upper(value) < 0:
        return iv.mpf(negative)
    return _hull(iv.mpf(negative), iv.mpf(positive))


_UNARY: dict[type, Callable[[object], object]] = {
    sympy.exp: iv.exp, sympy.log: _log, sympy.sin: iv.sin, sympy.cos: iv.cos,
    sympy.tan: _tan, sympy.tanh: _tanh, sympy.Abs: abs,
    sympy.sign: lambda v: _step(v, -1, 1),
    sympy.Heaviside: lambda v: _step(v, 0, 1),
}


def _piecewise(expr: sympy.Piecewise, t: sympy.Symbol) -> Enclosure:
    branches = [(enclosure(e, t), _condition(c, t)) for e, c in expr.args]

    def run(x: object) -> object:
        result = None
        for value, condition in branches:
            holds = condition(x)
            if holds is False:
                continue
            result = _hull(result, value(x))
            if holds is True:
                return result
        return result
    return run


def _condition(condition: sympy.Basic, t: sympy.Symbol) -> Callable[[object], bool | None]:
    """A condition on an interval: True or False where certain, else None."""
    if condition is sympy.true:
        return lambda x: True
    if condition is sympy.false:
        return lambda x: False
    if isinstance(condition, sympy.core.relational.Relational):
        side = enclosure(condition.lhs - condition.rhs, t)
        strict = isinstance(condition, sympy.StrictGreaterThan | sympy.StrictLessThan)
        greater = isinstance(condition, sympy.StrictGreaterThan | sympy.GreaterThan)
        if isinstance(condition, sympy.Eq | sympy.Ne):
            equal = isinstance(condition, sympy.Eq)
            return lambda x: _equal(side(x), equal)
        return lambda x: _sided(side(x), greater, strict)
    if isinstance(condition, sympy.And | sympy.Or):
        parts = [_condition(c, t) for c in condition.args]
        both = isinstance(condition, sympy.And)
        return lambda x: _combine([p(x) for p in parts], both)
    if isinstance(condition, sympy.Not):
        inner = _condition(condition.args[0], t)
        return lambda x: _negate(inner(x))
    raise Unsupported(type(condition).__name__)


def _sided(value: object, greater: bool, strict: bool) -> bool | None:
    if value is None:
        return False
    if not greater:
        value = -value
    if lower(value) > 0 or (not strict and lower(value) >= 0):
        return True
    if upper(value) < 0 or (strict and upper(value) <= 0):
        return False
    return None


def _equal(value: object, equal: bool) -> bool | None:
    if value is None:
        return False
    if lower(value) > 0 or upper(value) < 0:
        return not equal
    if lower(value) == upper(value) == 0:
        return equal
    return None


def _combine(values: list[bool | None], both: bool) -> bool | None:
    if both:
        return False if False in values else (True if all(v is True for v in values) else None)
    return True if True in values else (False if all(v is False for v in values) else None)


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


def isolate(expr: sympy.Expr, t: sympy.Symbol, lo: float, hi: float, budget: Budget
            ) -> list[tuple[float, float]]:
    """Intervals of ``[lo, hi]`` that enclose every place where ``expr`` is zero or
    changes sign (zeros, poles, jumps), each narrower than ``EPS`` relative; between
    them ``expr`` has no zero. Raises :class:`Unsupported` or :class:`Exhausted`.

    An interval whose enclosure excludes 0 is dropped. Where the expression is
    continuous and bounded and its derivative's enclosure excludes 0, it is monotone:
    one zero at most, found by bisecting on the certified signs at the ends.
    """
    value = enclosure(expr, t)
    slope = None
    if not expr.has(*DISCONTINUOUS):
        try:
            slope = enclosure(sympy.diff(expr, t), t)
        except Unsupported:
            slope = None

    def evaluate(fn: Enclosure, a: float, b: float) -> object:
        budget.spend()
        return fn(interval(a, b))

    found: list[tuple[float, float]] = []
    stack = [(float(lo), float(hi))]
    while stack:
        a, b = stack.pop()
        enclosed = evaluate(value, a, b)
        if _excludes_zero(enclosed):
            continue
        if b - a <= EPS * max(1.0, abs(a), abs(b)):
            found.append((a, b))
            continue
        if slope is not None and _bounded(enclosed):
            derivative = evaluate(slope, a, b)
            settled = _by_slope(evaluate, value, derivative, a, b)
            if settled is not None:
                found += settled
                continue
        middle = a + (b - a) / 2
        stack += [(middle, b), (a, middle)]
    return merge(found)


def _excludes_zero(value: object) -> bool:
    return value is None or lower(value) > 0 or upper(value) < 0


def _bounded(value: object) -> bool:
    return mpmath.isfinite(lower(value)) and mpmath.isfinite(upper(value))


def _by_slope(evaluate: Callable, value: Enclosure, derivative: object, a: float,
              b: float) -> list[tuple[float, float]] | None:
    """What the derivative's enclosure settles on ``[a, b]`` (a continuous function
    there): the zeros, or None to split. By the mean value theorem the function lies in
    ``f(c) + f'([a, b]) * ([a, b] - c)``, which is tighter than its enclosure and is
    exactly 0 where the function is constant zero (``abs(x - 1) + abs(x - 2) - 1`` on
    ``[1, 2]``): no sign changes inside, its ends are found beside it. A derivative
    that excludes 0 makes it monotone: one zero at most."""
    if derivative is None or not _bounded(derivative):
        return None
    middle = a + (b - a) / 2
    centre = evaluate(value, middle, middle)
    if centre is None:
        return None
    centred = centre + derivative * (interval(a, b) - middle)
    if _excludes_zero(centred) or lower(centred) == upper(centred) == 0:
        return []
    if lower(derivative) > 0 or upper(derivative) < 0:
        zero = _monotone_zero(evaluate, value, a, b)
        if zero is not False:
            return [] if zero is None else [zero]
    return None


def _monotone_zero(evaluate: Callable, value: Enclosure, a: float, b: float
                   ) -> tuple[float, float] | bool | None:
    """The zero of a monotone function on ``[a, b]``: an enclosing interval, None if
    there is none, or False if the signs at the ends are not certain (split instead)."""
    sign_a, sign_b = _sign(evaluate(value, a, a)), _sign(evaluate(value, b, b))
    if sign_a == 0 or sign_b == 0:
        return False
    if sign_a == sign_b:
        return None
    while b - a > EPS * max(1.0, abs(a), abs(b)):
        middle = a + (b - a) / 2
        sign = _sign(evaluate(value, middle, middle))
        if sign == 0:
            return False
        if sign == sign_a:
            a = middle
        else:
            b = middle
    return (a, b)


def _sign(value: object) -> int:
    """+1 or -1 where the enclosure is certain of it, else 0."""
    if value is None:
        return 0
    if lower(value) > 0:
        return 1
    if upper(value) < 0:
        return -1
    return 0


def merge(found: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, with overlapping intervals joined."""
    merged: list[tuple[float, float]] = []
    for a, b in sorted(found):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged

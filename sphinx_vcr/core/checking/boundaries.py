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

Zeros found in closed form (a point, the roots of a polynomial) are given at any
magnitude a double holds, inside the window or not: a piece beyond it (``x > 10**7``)
is then probed too. Only isolation and periodic enumeration are bounded by the window;
a line on which either ran says so (:attr:`Line.windowed`), and then only the window
is known to be covered.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import flint
import mpmath
import sympy

from ..symbolic import exact
from . import intervals
from .numeric import relational_sides

#: More zeros than this (a periodic guard over a long window) are not enumerated.
MAX_ZEROS = 2048
DIGITS = 40          # of the numbers that inverse functions give (zeros are doubles)
#: width of a polynomial's isolating intervals, relative to their magnitude ...
EPS = Fraction(1, 10**20)
MAX_BISECTIONS = 800  # ... refined by at most this many halvings
MAX_ROOT = 1e300     # closed-form zeros beyond this are left out (no probe fits past them)
MAX_FOLDED = 6       # kinks in a sum written as one where() ...
MAX_PIECES = 64      # ... and pieces of it
KINKS = (sympy.Abs, sympy.Max, sympy.Min, sympy.sign, sympy.Heaviside, sympy.Piecewise)

Zeros = list[tuple[float, float]]  # enclosing intervals, points as (r, r)


class Unsolved(Exception):
    """The zeros of a guard could not be found."""


class TooMany(Exception):
    """More than :data:`MAX_ZEROS` zeros in the window."""


@dataclass
class Line:
    """The variable ``t`` over the window ``[lo, hi]``, and the isolation budget
    shared by every guard of one claim."""

    t: sympy.Symbol
    lo: float
    hi: float
    budget: intervals.Budget
    #: zeros enumerated so far over all periods (periods within periods multiply)
    periodic: int = 0
    #: some zeros were searched only in ``[lo, hi]`` (isolated, periodic, or too large)
    windowed: bool = False


def zeros(expr: sympy.Expr, line: Line) -> Zeros:
    """Intervals of the window enclosing every zero, pole and domain edge of ``expr``,
    sorted and merged. Raises :class:`Unsolved` or :class:`TooMany`."""
    try:
        found = _preimage(expr, sympy.Integer(0), line)
    except (TypeError, ValueError, ArithmeticError, NotImplementedError,
            sympy.PolynomialError) as err:
        # SymPy's own refusals (a comparison of a complex number, say): not solved
        raise Unsolved(type(err).__name__) from None
    if len(found) > MAX_ZEROS:
        raise TooMany
    return intervals.merge(found)


def _preimage(expr: sympy.Expr, target: sympy.Rational, line: Line) -> Zeros:
    """Where ``expr`` equals ``target`` (an exact rational), plus where it may jump."""
    if not expr.has(line.t):
        return []
    if expr == line.t:
        return _point(target, line)
    if expr.is_polynomial(line.t):
        return _polynomial(expr - target, line)
    solve = _LAYERS.get(type(expr))
    if solve is not None:
        found = solve(expr, target, line)
        if found is not None:
            return found
    folded = _folded(expr)
    if folded is not None:
        return _pieces(folded, target, line)
    return _isolated(expr - target, line)


class Linear:
    """A guard that is ``a*t + b`` along a coordinate ``t`` for every value of the
    other coordinates, ``a`` and ``b`` polynomials (or ratios of them) with rational
    coefficients: its zero on each line is ``-b/a`` at that line's coordinates.

    It is computed in exact rational arithmetic (a double is an exact fraction) and
    rounded to the nearest double once, as the general route does after substituting
    the line's coordinates into the guard and building a polynomial: the same zero,
    without building SymPy expressions for every line (``W @ x + b`` has one such zero
    on every line along an entry of ``W``, ``x`` or ``b``).
    """

    def __init__(self, slope: sympy.Expr, offset: sympy.Expr) -> None:
        self.slope, self.offset = slope, offset

    @classmethod
    def of(cls, guard: sympy.Expr, t: sympy.Symbol) -> Linear | None:
        """The form of ``guard`` along ``t``, or None if it is not one."""
        # Term by term, not by Poly: a Poly over the other coordinates' polynomial
        # ring cost more than the lines it saved. Any other form is left to the
        # general route (as is a guard written unexpanded, like w*(x + t)).
        offset, rest = guard.as_independent(t, as_Add=True)
        slopes = []
        for term in sympy.Add.make_args(rest):
            factor, variable = term.as_independent(t, as_Add=False)
            if variable != t:
                return None
            slopes.append(factor)
        slope = sympy.Add(*slopes)
        if not slopes or not (exact.plain(slope) and exact.plain(offset)):
            return None
        return cls(slope, offset)

    def zeros(self, values: Mapping[sympy.Symbol, Fraction]) -> tuple[Zeros, bool] | None:
        """The zero on the line where the other coordinates have ``values`` (none if
        the guard is constant there), and whether one was left out beyond
        :data:`MAX_ROOT`; None where ``a`` or ``b`` has no value (the general route
        decides those)."""
        try:
            slope, offset = exact.value(self.slope, values), exact.value(self.offset, values)
        except (ZeroDivisionError, KeyError):
            return None
        if slope == 0:
            return [], False
        root = -offset / slope
        if not -MAX_ROOT <= root <= MAX_ROOT:
            return [], True
        return [(float(root), float(root))], False

    def root(self, values: Mapping[sympy.Symbol, Fraction]) -> Fraction | None:
        """The zero on the line, exactly (None if there is none, or it is unknown)."""
        try:
            slope, offset = exact.value(self.slope, values), exact.value(self.offset, values)
        except (ZeroDivisionError, KeyError):
            return None
        return None if slope == 0 else -offset / slope


#: Polynomial guards of a higher degree along a line are not isolated for gaps (the
#: probes' coverage is then marked capped). Isolating a product of 32 linear factors
#: takes 10 ms.
MAX_GAP_DEGREE = 48


class TooHigh(Exception):
    """A guard's polynomial along a line is of a degree above :data:`MAX_GAP_DEGREE`."""
#: Refinements of isolating intervals to tell two close roots apart; after them two
#: roots still not apart (closer than about 2**-REFINEMENTS of their intervals' width)
#: are taken for one.
REFINEMENTS = 400


def curve(coefficients: Sequence[Fraction]) -> sympy.Poly | None:
    """A guard's polynomial along a line (exact coefficients, highest first), for
    :func:`separated`: None if it is constant there. Raises :class:`TooHigh` for a
    degree above :data:`MAX_GAP_DEGREE`."""
    poly = sympy.Poly([_rational(c) for c in coefficients], _T, domain=sympy.QQ)
    if poly.degree() > MAX_GAP_DEGREE:
        raise TooHigh(poly.degree())
    return None if poly.is_zero or poly.degree() < 1 else poly


def polynomial_zeros(coefficients: Sequence[Fraction], line: Line) -> Zeros:
    """:func:`zeros` of a guard that is, along ``line``, the polynomial with these exact
    coefficients (highest first)."""
    return intervals.merge(_roots([_rational(c) for c in coefficients], line))


def _rational(number: Fraction) -> sympy.Rational:
    return sympy.Rational(number.numerator, number.denominator)


_T = sympy.Dummy("t")
Isolated = tuple[Fraction, Fraction, "sympy.Poly | None"]  # (low, high, its polynomial)


def separated(points: list[Fraction], polys: list[sympy.Poly],
              refinements: int = REFINEMENTS) -> list[Isolated] | None:
    """Disjoint rational intervals, sorted, each holding one distinct zero of the
    guards on a line: ``points`` (the exact zeros of the linear guards) and the real
    roots of ``polys``. Intervals of two different zeros are refined until they are
    apart; a polynomial with a zero at a point, or two with a common root there, give
    that zero once. None if ``refinements`` (:data:`REFINEMENTS` and more for guards
    with long constants: see :class:`.regions._Lines`) did not suffice."""
    found: list[Isolated] = [(r, r, None) for r in set(points)]
    # One of each polynomial up to a factor: two guards alike along the line (the
    # function's det(X.T @ A @ X) and the claim's det(X.T @ A.T @ X)) have the same
    # roots, which as one polynomial's are never merged, and were narrowed against each
    # other until the refinements ran out (seconds, and the badge said capped).
    polys = list({poly.monic(): None for poly in polys})
    for poly in polys:
        for (a, b), _multiplicity in poly.intervals():
            item = _opened((_fraction_of(a), _fraction_of(b), poly))
            if item is None:
                return None
            found.append(item)
    for _ in range(refinements):
        found.sort(key=lambda item: (item[0], item[1]))
        k = next((k for k in range(len(found) - 1) if found[k][1] >= found[k + 1][0]),
                 None)
        if k is None:
            return found
        found[k:k + 2] = _apart(found[k], found[k + 1])
    return None


def _apart(first: Isolated, second: Isolated) -> list[Isolated]:
    """Two overlapping isolating intervals, one step nearer to apart: one interval if
    they hold one zero, else the polynomials' intervals narrowed."""
    if first[2] is None and second[2] is None:
        return [first]  # (overlapping points are one point)
    shared = _common(first, second)
    if shared is not None:
        return [shared]
    return [_narrowed(item) for item in (first, second)]


def _opened(item: Isolated) -> Isolated | None:
    """``item`` narrowed until neither end is a root of its polynomial, so that a zero
    of its polynomial in it is the one it isolates: SymPy isolates the root -1/2 of
    ``2*x**2 + x`` in [-1, 0], which ends at the root 0, and (x - 1/3)*(x - 1/3 -
    10**-30) in [1/3, 1/2] beside [1/3, 1/3]; taken for one root there, the piece
    between them got no probe. None if the bisections did not suffice."""
    for _ in range(MAX_BISECTIONS):
        low, high, poly = item
        if low == high or poly is None:
            return item
        squarefree = _squarefree(poly)
        if all(squarefree(flint.fmpq(v.numerator, v.denominator)) != 0 for v in (low, high)):
            return item
        item = _narrowed(item)
    return None


def _common(first: Isolated, second: Isolated) -> Isolated | None:
    """The one zero both hold, if they hold the same one (never two of one
    polynomial: its intervals isolate distinct roots)."""
    if first[2] is not None and first[2] == second[2]:
        return None
    low, high = max(first[0], second[0]), min(first[1], second[1])
    point = next((item for item in (first, second) if item[2] is None), None)
    if point is not None:
        other = second if point is first else first
        value = other[2].eval(sympy.Rational(point[0].numerator, point[0].denominator))
        return point if value == 0 else None
    common = sympy.gcd(first[2], second[2])
    if common.degree() < 1:
        return None
    count = common.count_roots(sympy.Rational(low.numerator, low.denominator),
                               sympy.Rational(high.numerator, high.denominator))
    return (first if first[1] - first[0] <= second[1] - second[0] else second) \
        if count else None


def _narrowed(item: Isolated) -> Isolated:
    """``item``'s isolating interval bisected twice (a quarter as wide), or the root
    itself where a bisection lands on it. In FLINT's rational polynomials: SymPy's
    ``refine_root`` took seconds for two roots 1e-31 apart of degree 17."""
    low, high, poly = item
    if poly is None or low == high:
        return item
    squarefree = _squarefree(poly)
    slope = squarefree.derivative()
    ends = [flint.fmpq(v.numerator, v.denominator) for v in (low, high)]
    # The root is inside: an end may be another root (SymPy isolates the root -1/2 of
    # 2*x**2 + x in [-1, 0]); then the sign just inside it is its slope's.
    signs = [_sign(squarefree(ends[0])) or _sign(slope(ends[0])),
             _sign(squarefree(ends[1])) or -_sign(slope(ends[1]))]
    for _ in range(2):
        middle = (ends[0] + ends[1]) / 2
        side = _sign(squarefree(middle))
        if side == 0:
            root = _fraction(middle)
            return root, root, poly
        keep = 0 if side == signs[1] else 1  # the half where the sign changes
        ends[1 - keep], signs[1 - keep] = middle, side
    return _fraction(ends[0]), _fraction(ends[1]), poly


@functools.lru_cache(maxsize=256)
def _squarefree(poly: sympy.Poly) -> flint.fmpq_poly:
    """``poly`` without repeated factors, as FLINT's: it changes sign at every root."""
    coefficients = [flint.fmpq(int(c.p), int(c.q)) for c in reversed(poly.all_coeffs())]
    whole = flint.fmpq_poly(coefficients)
    return whole // whole.gcd(whole.derivative())


def _sign(value: flint.fmpq) -> int:
    return (value > 0) - (value < 0)


def _fraction(value: flint.fmpq) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _fraction_of(value: sympy.Rational) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def gaps_between(isolated: list[Isolated]) -> list[float | mpmath.mpf]:
    """A point strictly between every two consecutive zeros of ``isolated`` (see
    :func:`separated`) that the probes between zeros as doubles miss (:func:`gaps`)."""
    return _inside([(a[1], b[0]) for a, b in itertools.pairwise(isolated)])


def gaps(roots: list[Fraction]) -> list[float | mpmath.mpf]:
    """A point strictly inside every interval between consecutive ``roots`` (exact
    zeros along a line, sorted) that the probes between zeros as doubles miss.

    Zeros are rounded to doubles to place the probes between them; two zeros closer
    than a double's spacing (``x - 1/3`` and ``x - 0.3333333333333333``) round to the
    same double or to neighbours, and the piece between them, where a claim may be
    wrong, gets no probe. It gets one here: the double inside it if there is one, else
    an mpmath number that is exactly a dyadic rational inside it (a coordinate that is
    not a double, used unrounded)."""
    return _inside(list(itertools.pairwise(roots)))


def _inside(pairs: list[tuple[Fraction, Fraction]]) -> list[float | mpmath.mpf]:
    found: list[float | mpmath.mpf] = []
    for a, b in pairs:
        low, high = float(a), float(b)
        if a >= b or math.nextafter(low, math.inf) < high:
            continue  # a double lies between their doubles: probed as doubles are
        inside = [d for d in (low, high) if math.isfinite(d) and a < Fraction(d) < b]
        found.append(inside[0] if inside else _dyadic_between(a, b))
    return found


def _dyadic_between(a: Fraction, b: Fraction) -> mpmath.mpf:
    """An mpmath number strictly between ``a < b``, exactly."""
    middle = (a + b) / 2
    bits = 64
    while True:
        # middle rounded to `bits` bits: within |middle| * 2**-bits of it
        with mpmath.workprec(bits):
            number = mpmath.mpf(middle.numerator) / middle.denominator
        sign, man, exp, _ = number._mpf_
        value = Fraction(man * (-1 if sign else 1)) * Fraction(2) ** exp
        if a < value < b:
            return number
        bits *= 2


def _folded(expr: sympy.Expr) -> sympy.Piecewise | None:
    """A sum or product with kinks (``abs(x) - x``) as one ``where`` of smooth pieces,
    or None. Isolation cannot settle a guard that is zero on a whole piece; its pieces
    are solved one by one."""
    if isinstance(expr, sympy.Piecewise) or not expr.has(*KINKS) \
            or len(expr.atoms(*KINKS)) > MAX_FOLDED:
        return None  # (folding n kinks can make 2**n pieces)
    folded = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    if not isinstance(folded, sympy.Piecewise) or len(folded.args) > MAX_PIECES \
            or any(value.has(*KINKS) for value, _ in folded.args):
        return None
    return folded


def _exact(value: object) -> sympy.Rational:
    """A number as an exact rational (to ``DIGITS`` digits if it is not one)."""
    number = sympy.sympify(value)
    if number.is_Rational:
        return number
    if not (number.is_extended_real and number.is_finite):
        raise Unsolved(f"not a real number: {number}")
    return sympy.Rational(sympy.Float(number.evalf(DIGITS + 5), DIGITS + 5))


def _point(value: sympy.Rational, line: Line) -> Zeros:
    return _anywhere([(value, value)], line)


def _anywhere(found: list[tuple[sympy.Rational, sympy.Rational]], line: Line) -> Zeros:
    """Closed-form zeros (exact ends) at any magnitude: every one a double can be
    placed beyond; leaving one out marks the line as searched in the window only."""
    kept = [(float(a), float(b)) for a, b in found if a >= -MAX_ROOT and b <= MAX_ROOT]
    if len(kept) < len(found):
        line.windowed = True
    return kept


def _polynomial(poly: sympy.Expr, line: Line) -> Zeros:
    return _roots(_linear(poly, line.t) or [
        _exact(c) for c in sympy.Poly(poly, line.t).all_coeffs()], line)


def _roots(coefficients: list[sympy.Rational], line: Line) -> Zeros:
    """The real roots of the polynomial with these exact coefficients (highest first)."""
    coefficients = list(coefficients)
    while coefficients and coefficients[0] == 0:
        coefficients.pop(0)
    if len(coefficients) < 2:
        return []
    if len(coefficients) == 2:
        return _point(-coefficients[1] / coefficients[0], line)
    exact = sympy.Poly(coefficients, line.t, domain="QQ")
    # Isolating intervals with rational ends, refined until each is tiny: exact
    # arithmetic, so no zero of a tangent pair (a band of any width) is lost; all of
    # them, far outside the window too.
    return _anywhere([(_rational(a), _rational(b)) for a, b, _ in _refined(exact)], line)


def _refined(poly: sympy.Poly) -> list[Isolated]:
    """The real roots of ``poly``, each in a rational interval at most ``EPS`` wide
    relative to its magnitude. SymPy isolates them (fast) and FLINT bisects (SymPy's
    own refinement to ``EPS`` took 9 s for a polynomial of degree 29)."""
    found = []
    for (a, b), _multiplicity in poly.intervals():
        item: Isolated = (_fraction_of(a), _fraction_of(b), poly)
        for _ in range(MAX_BISECTIONS // 2):
            low, high = item[0], item[1]
            if high - low <= EPS * max(1, abs(low), abs(high)):
                break
            item = _narrowed(item)
        found.append(item)
    return found


def _linear(poly: sympy.Expr, t: sympy.Symbol) -> list[sympy.Rational] | None:
    """The coefficients of ``a*t + b`` (exact, as :func:`_polynomial` takes them from
    ``Poly``), or None for any other form. Most guards are linear along a coordinate
    line (``W @ x + b`` along any entry), and building a ``Poly`` for each line was
    most of the cost of finding their zeros."""
    constant, rest = poly.as_independent(t, as_Add=True)
    factor, base = rest.as_independent(t, as_Add=False)
    if base != t or factor.has(t) or constant.has(t):
        return None
    return [_exact(factor), _exact(constant)]


def _isolated(expr: sympy.Expr, line: Line) -> Zeros:
    line.windowed = True
    try:
        return intervals.isolate(expr, line.t, line.lo, line.hi, line.budget)
    except intervals.Unsupported as err:
        raise Unsolved(str(err)) from None
    except intervals.Exhausted:
        raise Unsolved("budget") from None


def _union(parts: list[tuple[sympy.Expr, sympy.Rational]], line: Line) -> Zeros:
    return [z for expr, target in parts for z in _preimage(expr, target, line)]


def _add(expr: sympy.Add, target: sympy.Rational, line: Line) -> Zeros | None:
    constant, rest = expr.as_independent(line.t, as_Add=True)
    if rest.is_Add:
        return None  # several terms in t, not a polynomial: isolated
    return _preimage(rest, _exact(target - constant), line)


def _mul(expr: sympy.Mul, target: sympy.Rational, line: Line) -> Zeros | None:
    factor, rest = expr.as_independent(line.t, as_Add=False)
    if rest.is_Mul:
        if target != 0:
            return None
        # a product is zero (or changes sign) only where one of its factors does
        return _union([(f, sympy.Integer(0)) for f in rest.args], line)
    factor = _exact(factor)
    if factor == 0:
        return None  # a factor too small for DIGITS digits: isolated instead
    return _preimage(rest, target / factor, line)


def _pow(expr: sympy.Pow, target: sympy.Rational, line: Line) -> Zeros | None:
    base, exponent = expr.args
    if exponent.has(line.t):
        if not (base.is_Number and base.is_positive and base != 1):
            return None
        if target <= 0:
            return []
        return _preimage(exponent, _exact(sympy.log(target) / sympy.log(base)), line)
    # the base's zeros: where the power is zero, has a pole or a domain edge
    edges = _preimage(base, sympy.Integer(0), line)
    if exponent.is_Integer:
        n = int(exponent)
        if target == 0:
            return edges
        if n < 0:
            return edges + _preimage(base ** -n, 1 / target, line)
        if n % 2 == 0 and target < 0:
            return edges
        root = _exact(sympy.sign(target) * sympy.Abs(target) ** sympy.Rational(1, n))
        return edges + _union([(base, root)] + ([(base, -root)] if n % 2 == 0 else []),
                              line)
    if exponent.is_Rational:
        # real for a non-negative base only, and then non-negative
        if target <= 0:
            return edges
        return edges + _preimage(base, _exact(target ** (1 / exponent)), line)
    return None


def _exp(expr: sympy.exp, target: sympy.Rational, line: Line) -> Zeros:
    if target <= 0:
        return []
    return _preimage(expr.args[0], _exact(sympy.log(target)), line)


def _log(expr: sympy.log, target: sympy.Rational, line: Line) -> Zeros:
    inner = expr.args[0]
    return _preimage(inner, sympy.Integer(0), line) + _preimage(
        inner, _exact(sympy.exp(target)), line)


def _tanh(expr: sympy.tanh, target: sympy.Rational, line: Line) -> Zeros:
    if abs(target) >= 1:
        return []
    return _preimage(expr.args[0], _exact(sympy.atanh(target)), line)


def _abs(expr: sympy.Abs, target: sympy.Rational, line: Line) -> Zeros:
    inner = expr.args[0]
    if target < 0:
        return []
    if target == 0:
        return _preimage(inner, target, line)
    return _union([(inner, target), (inner, -target)], line)


def _periodic(expr: sympy.Function, target: sympy.Rational, line: Line) -> Zeros | None:
    """``sin``, ``cos``, ``tan``: one family of zeros per period of the argument, over
    the argument's range on the window (from its interval enclosure)."""
    inner = expr.args[0]
    line.windowed = True
    try:
        span = intervals.enclosure(inner, line.t)(intervals.interval(line.lo, line.hi))
    except intervals.Unsupported:
        return None
    if span is None or not (mpmath.isfinite(intervals.lower(span))
                            and mpmath.isfinite(intervals.upper(span))):
        return None
    with mpmath.workdps(DIGITS):
        values = _periods(expr, mpmath.mpf(target.p) / target.q, intervals.lower(span),
                          intervals.upper(span))
    line.periodic += len(values)
    if line.periodic > MAX_ZEROS:
        raise TooMany
    return [z for v in values
            for z in _preimage(inner, sympy.Rational(sympy.Float(v, DIGITS)), line)]


def _periods(expr: sympy.Function, value: mpmath.mpf, low: mpmath.mpf,
             high: mpmath.mpf) -> list[mpmath.mpf]:
    """The arguments in ``[low, high]`` at which ``sin``/``cos``/``tan`` is ``value``
    (and, for ``tan``, its poles, where it changes sign too)."""
    if isinstance(expr, sympy.tan):
        starts, period = [mpmath.atan(value), mpmath.pi / 2], mpmath.pi
    elif abs(value) > 1:
        return []
    elif isinstance(expr, sympy.sin):
        first = mpmath.asin(value)
        starts, period = [first, mpmath.pi - first], 2 * mpmath.pi
    else:
        first = mpmath.acos(value)
        starts, period = [first, -first], 2 * mpmath.pi
    values: list[mpmath.mpf] = []
    for start in starts:
        k_low = int(mpmath.ceil((low - start) / period))
        k_high = int(mpmath.floor((high - start) / period))
        if len(values) + k_high - k_low + 1 > MAX_ZEROS:
            raise TooMany
        values += [start + k * period for k in range(k_low, k_high + 1)]
    return values


def _pieces(expr: sympy.Basic, target: sympy.Rational, line: Line) -> Zeros:
    """``max`` and ``min``: every piece's zeros (they are continuous, so they change
    sign only at those); ``where``: also where its conditions switch, where it may
    jump across zero."""
    if not isinstance(expr, sympy.Piecewise):
        return _union([(v, target) for v in expr.args], line)
    switches = [s for _, c in expr.args for s in relational_sides(c) if not s.is_number]
    return _union([(v, target) for v, _ in expr.args]
                  + [(s, sympy.Integer(0)) for s in switches], line)


def _step(expr: sympy.Basic, target: sympy.Rational, line: Line) -> Zeros:
    """``sign`` and the step function are constant but where their argument is zero."""
    return _preimage(expr.args[0], sympy.Integer(0), line)


_LAYERS: dict[type, Callable[[sympy.Basic, sympy.Rational, Line], Zeros | None]] = {
    sympy.Add: _add, sympy.Mul: _mul, sympy.Pow: _pow, sympy.exp: _exp, sympy.log: _log,
    sympy.tanh: _tanh, sympy.Abs: _abs, sympy.sin: _periodic, sympy.cos: _periodic,
    sympy.tan: _periodic, sympy.Max: _pieces, sympy.Min: _pieces,
    sympy.Piecewise: _pieces, sympy.sign: _step, sympy.Heaviside: _step,
}

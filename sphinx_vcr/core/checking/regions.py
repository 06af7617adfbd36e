"""Probe points for a claim SymPy could not decide: one in every interval between the
boundaries of its pieces, and points at small magnitudes.

A claim written with ``where``, ``abs``, ``max``, ``min``, ``relu`` or ``sign`` is made of
pieces, each an ordinary formula on the part of space where its conditions hold; so is
the derivative. Along a coordinate line, the places where any piece may change are the
zeros of the *guards* (:func:`.numeric.guard_expressions`) of the claim, the derivative,
the function and ``:where:``; between two consecutive zeros every guard keeps its sign,
so the claim and the derivative are each one formula there. :mod:`.boundaries` finds
those zeros on the lines through every sample point (and the origin) along every
coordinate, over ``[-WINDOW, WINDOW]``. Each interval between them gets its midpoint,
which lies inside an interval of any width, and a seeded point at random inside it, so
that no formula can be wrong everywhere in the interval but at its midpoint. Every line
also gets the point where its coordinate is 0 and one where it is small (down to
``1e-8``); the coordinate axes get 0 and ``±1e-8`` to ``±1e6``; and points spread over
magnitudes from ``1e-8`` to ``1e3`` in every coordinate at once look everywhere else.

A probe on a kink, a pole or the edge of the region is skipped, never compared: there
the claim and the derivative may follow different conventions (relu'(0)) and both be
right. Points near a guard's zero are decided in 50-digit arithmetic, so a point is
never taken for inside the region, or off a kink, because of rounding.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy

from ..symbolic import exact
from ..symbolic.walk import distinct_nodes, tree_size
from . import boundaries, certified, intervals
from .compare import cheap_expand, first_without_value, no_value_at, values_at
from .numeric import (
    Probes,
    Sample,
    compile_function,
    domain_edges,
    guard_expressions,
    relational_sides,
)

if TYPE_CHECKING:
    from .numeric import Sampler


@dataclass
class Coverage(Probes):
    """:class:`.numeric.Probes`, and the probes that are not doubles."""

    #: Points in pieces narrower than a double's spacing (between two kinks closer
    #: than that), each an object array whose coordinate along its line is an mpmath
    #: number, exact (see :func:`.boundaries.gaps`); inside the region and off every
    #: guard, decided in interval arithmetic.
    exact: list[np.ndarray] = field(default_factory=list)

WINDOW = 1000.0     # each line runs over [-WINDOW, WINDOW] in its coordinate
NARROWER = 10.0     # with too many zeros, the window shrinks around the base by this
MIN_WINDOW = 1.0    # ... down to this half-width
MAX_VALUES = 30000  # probe points times expressions compared, at most
MAX_LINES = 400     # lines probed, at most
ISOLATION = 6000    # interval enclosures for all the isolations of one claim (<0.5 s)
#: Coordinates on the axes (the lines through the origin); the other lines get 0 and one
#: magnitude from 1e-8 to 1e-3 at random. Beyond the window, only these points look.
#: Down to 1e-300 on the axes: a claim can be wrong only where a tiny constant of the
#: function matters (x/abs(x) for the derivative of sqrt(x**2 + 10**-300), wrong only
#: for |x| below 1e-150), and values there are compared in many digits anyway.
_TINY_AXIS = (1e-300, 1e-200, 1e-150, 1e-100, 1e-50, 1e-30, 1e-20, 1e-16, 1e-12)
AXIS_VALUES = (0.0, *(s * m for m in _TINY_AXIS for s in (1, -1)),
               1e-8, -1e-8, 1e-6, -1e-6, 1e-4, -1e-4, 1e4, -1e4, 1e6, -1e6)
WIDE = 48           # points with every coordinate's magnitude in [1e-8, 1e3]
TINY = 16           # points with every coordinate's magnitude in [1e-8, 1e-3]
NEAR = 1e-6         # a guard this small (relative) is decided in 50 digits
DIGITS = 50
EXACT_DIGITS = 150   # of the decisions at the exact probes (their pieces may be 1e-100 wide)
MAX_EXACT = 64      # exact probes per claim, at most ...
MAX_EXACT_TRIED = 4 * MAX_EXACT  # ... looked for in this many gaps, at most
ZERO = 1e-30        # a guard this small in 50 digits is zero: the point is on it
FLAT = 1e-6         # relative step to tell a guard zero on a whole piece from a kink
#: Guards polynomial along a line are interpolated there exactly up to this bound of
#: their degree (:func:`.exact.degree_bound`, which cancellation may make far larger
#: than the degree: ``x**2*(x**15 + 1) - x**17`` is ``x**2``; the polynomial's true
#: degree is what :data:`.boundaries.MAX_GAP_DEGREE` limits).
MAX_INTERPOLATED = 64
#: Rational guards up to this many distinct nodes are split into a numerator and a
#: denominator polynomial (see :meth:`_Lines._fraction`).
MAX_FRACTION_NODES = 200


def probes(sampler: Sampler, exprs: Sequence[sympy.Expr]) -> Probes:
    """Points to compare ``exprs`` (the claim and the derivative) at, inside the region
    and the domain and off every kink, and how completely they cover the pieces."""
    symbols = sampler.symbols
    # At structured points the outputs are functions of the free coordinates only.
    guards = boundary_guards([*exprs, *map(sampler.free_form, [*sampler.outputs,
                                                                *sampler.finite_exprs])],
                             sampler.conditions)
    # what a point costs: its distinct formulas (a diag() claim is mostly zeros)
    budget = MAX_VALUES // max(1, len({e for e in exprs if not e.is_number}))
    # the origin first: its lines are the axes, which get the most fixed values
    bases = np.vstack([np.zeros((1, len(symbols))), sampler.accepted])
    coverage = Coverage(np.empty((0, len(symbols))), dimensions=len(symbols))
    # A guard still with kinks had more branches than unkinked takes: the thin pieces
    # beside it were not all looked for (the badge said every interval, helper-76).
    coverage.capped |= any(isinstance(n, boundaries.KINKS) for g in guards
                           for n in distinct_nodes(g))
    lines = _Lines(_rational_guards(guards, coverage), symbols, sampler.rng)
    found = [_spread(sampler.rng, WIDE, len(symbols), -8, 3),
             _spread(sampler.rng, TINY, len(symbols), -8, -3)]
    extra: list[np.ndarray] = []  # the random points inside intervals: compared last
    used = sum(len(p) for p in found)
    free = [c for c in range(len(symbols)) if c not in sampler.dependent]
    for base, column in itertools.product(bases, free):
        if used >= budget or len(lines.seen) >= MAX_LINES:
            coverage.capped = True
            break
        line = lines.points(base, column, coverage)
        if line is None:
            continue
        primary, chance, cells = line
        if used + len(primary) + len(chance) > budget:
            coverage.capped = True
            break
        found.append(primary)
        extra.append(chance)
        used += len(primary) + len(chance)
        coverage.cells += cells
    candidates = np.vstack([_smallest_first(np.vstack(found)),
                            _smallest_first(np.vstack([np.empty((0, len(symbols))), *extra]))])
    candidates = sampler.restructure(candidates)
    coverage.points = candidates[comparable(sampler, candidates, guards)]
    coverage.window = lines.window
    coverage.exact = _exact_probes(sampler, lines.gaps, guards, coverage)
    coverage.cells += len(coverage.exact)
    return coverage


#: The digits of the rationals that stand for a guard's irrational constants (beyond
#: those of its own longest constant) when its zeros are searched.
CONSTANT_DIGITS = 40


def _rational_guards(guards: list[sympy.Expr], coverage: Probes) -> list[sympy.Expr]:
    """``guards`` with each irrational constant (``pi``, ``sqrt(2)``, ``exp(1)``) as a
    rational within 10**-40 of it, for the search of their zeros: ``x - sqrt(2)`` is
    then a polynomial with rational coefficients along a line, whose zeros are known
    exactly, so the thin piece between it and ``x - sqrt(2) - 10**-20`` gets an exact
    probe (it had none: a claim wrong on it verified). The zeros found are those of
    the rational guard, within about 10**-40 of the true ones: a piece narrower than
    that may still be missed, so ``coverage`` says the boundaries were known to a
    double only (``coarse``) as before. The probes themselves are judged in the true
    expressions, so an approximation can cost a probe its piece, never a verdict."""
    digits = CONSTANT_DIGITS + exact.constant_digits(guards)
    found = []
    for guard in guards:
        rational = _with_rational_constants(guard, digits, {})
        if rational is not guard:
            coverage.coarse = True
        found.append(rational)
    return found


def _with_rational_constants(expr: sympy.Expr, digits: int,
                             memo: dict[sympy.Basic, sympy.Basic]) -> sympy.Expr:
    """``expr`` with its irrational constants (each of rationals only) as rationals
    near them."""
    if expr in memo:
        return memo[expr]
    if expr.is_Rational or expr.is_Symbol:
        result = expr
    elif expr.is_number and all(a.is_Rational for a in expr.args):
        # pi, sqrt(2), log(3): one rational for each wherever it occurs, so that
        # (x - pi)**3, expanded, keeps its triple root (pi**3 rounded on its own split
        # it, by 1e-24, and a band 1e-30 wide beside it got no probe)
        value = sympy.N(expr, digits)
        result = sympy.Rational(value) if value.is_Float else expr
    elif not expr.args:
        result = expr
    else:
        args = [_with_rational_constants(a, digits, memo) for a in expr.args]
        result = expr.func(*args) if any(a is not b for a, b in zip(args, expr.args)) \
            else expr
    memo[expr] = result
    return result


def _exact_probes(sampler: Sampler, gaps: list[tuple[np.ndarray, int, object]],
                  guards: list[sympy.Expr], coverage: Probes) -> list[np.ndarray]:
    """The points of ``gaps`` (base, column, exact coordinate) that are inside the
    region, off every guard and where the function and its derivative have values,
    each decided in interval arithmetic (their coordinates are not doubles: NumPy
    cannot decide them); at most :data:`MAX_EXACT` of them, from at most
    :data:`MAX_EXACT_TRIED` gaps, else ``coverage`` is marked capped (68 thin pieces
    beside as many kinks, a claim wrong on the last: it verified, saying every
    interval was covered). With dependent coordinates (a symmetric matrix) none: those
    are set from the free ones in doubles, and the coverage is capped if there were
    gaps."""
    if sampler.dependent:
        coverage.capped |= bool(gaps)
        return []
    regions = [sympy.Piecewise((1, c), (0, True)) for c in sampler.conditions]
    exprs = [*sampler.outputs, *sampler.jacobian, *sampler.finite_exprs]
    # A piece 1e-200 wide beside a kink at 1/3 is told from it only in 200 digits:
    # as many more as the constants span (see compare.fine_precision).
    digits = EXACT_DIGITS + exact.constant_digits([*guards, *exprs])
    found = []
    for tried, (base, column, value) in enumerate(gaps):
        if len(found) >= MAX_EXACT or tried >= MAX_EXACT_TRIED:
            coverage.capped = True
            break
        point = np.array([float(v) for v in base], dtype=object)
        point[column] = value
        at = dict(zip(sampler.symbols, point))
        # the region first: a line outside it (the origin's) costs no guard
        inside = certified.evaluate(regions, at, digits, certified.BALLS)
        if any(b is None or certified.BALLS.sign(b - 1) != 0 for b in inside):
            continue  # outside the region, or not certainly inside
        balls = certified.evaluate(guards, at, digits, certified.BALLS)
        if any(b is None or not certified.excludes_zero(b) for b in balls):
            continue  # on a guard, or too close to one to tell
        if all(v is not None for v in certified.evaluate(exprs, at, digits)):
            found.append(point)
    return found


def _smallest_first(points: np.ndarray) -> np.ndarray:
    """So that a wrong claim is reported at its simplest point."""
    return points[np.argsort(np.max(np.abs(points), axis=1), kind="stable")]


def boundary_guards(exprs: Sequence[sympy.Expr], conditions: Sequence[sympy.Basic]
                    ) -> list[sympy.Expr]:
    """The guards of ``exprs`` and the sides of ``conditions``: where pieces change.
    A guard with kinks of its own stands for its branches (:func:`unkinked`)."""
    sides = [s for c in conditions for s in relational_sides(c) if not s.is_number]
    found: set[sympy.Expr] = set()
    for guard in set(guard_expressions(exprs)) | set(sides):
        found.update(unkinked(guard))
    return sorted(found, key=sympy.default_sort_key)


#: A guard with kinks is replaced by at most this many kink-free branches.
MAX_BRANCHES = 16


def unkinked(guard: sympy.Expr) -> list[sympy.Expr]:
    """Guards without kinks whose zeros, with those of the kinks' own guards, hold
    every zero of ``guard``: on each piece of a kink, ``guard`` is one of its branches
    (``abs(x - 1/3) - 10**-20`` is ``x - 1/3 - 10**-20`` or ``1/3 - x - 10**-20``).
    The kinks' guards are guards already (:func:`.numeric.guard_expressions`). A
    polynomial branch's zeros are known exactly, so the thin piece between two of
    them gets an exact probe; with the kink in it, the guard was known to a double
    only, and a claim wrong on a piece 1e-20 wide verified. ``[guard]`` where there
    are more than :data:`MAX_BRANCHES` branches; each branch (and a guard without
    kinks) expanded where that is cheap (:func:`_normal`)."""
    if not any(isinstance(n, boundaries.KINKS) for n in distinct_nodes(guard)):
        return [_normal(guard)]
    done: list[sympy.Expr] = []
    pending = [guard]
    while pending:
        expr = pending.pop()
        kink = next((n for n in distinct_nodes(expr) if isinstance(n, boundaries.KINKS)),
                    None)
        if kink is None:
            branch = _normal(expr)
            if branch not in done:
                done.append(branch)
        else:
            pending += [b for b in (expr.xreplace({kink: v}) for v in _branches(kink))
                        if not b.is_number]
        if len(done) + len(pending) > MAX_BRANCHES:
            return [guard]
    # (every branch a number: the guard changes sign only where its kinks do, whose
    # own guards are guards already)
    return done


def _normal(branch: sympy.Expr) -> sympy.Expr:
    """``branch`` expanded, its sign made canonical, where it is small: the branches
    ``(1/3 - x)*(-x - 1/5)`` and ``(x - 1/3)*(x + 1/5)`` of ``abs(x - 1/3)*abs(x +
    1/5)`` are one polynomial, whose equal roots could not be told apart as two
    guards' (the intervals were capped)."""
    if tree_size([branch])[1] > MAX_FRACTION_NODES:
        return branch
    # (only where the expansion is small: a determinant's guard at n = 3 took seconds)
    expanded = cheap_expand(branch)
    if expanded is None:
        return branch
    return -expanded if expanded.could_extract_minus_sign() else expanded


def _branches(kink: sympy.Basic) -> list[sympy.Expr]:
    """The values ``kink`` takes, one for each of its pieces."""
    if isinstance(kink, sympy.Abs):
        return [kink.args[0], -kink.args[0]]
    if isinstance(kink, sympy.Max | sympy.Min):
        return list(kink.args)
    if isinstance(kink, sympy.sign):
        return [sympy.Integer(-1), sympy.Integer(0), sympy.Integer(1)]
    if isinstance(kink, sympy.Heaviside):
        at_zero = kink.args[1] if len(kink.args) > 1 else sympy.S.Half
        return [sympy.Integer(0), at_zero, sympy.Integer(1)]
    return [branch for branch, _condition in kink.args]  # a Piecewise


#: Points of :func:`spread_points`, and the seed of their own random stream (so that
#: the sampler's draws, and every later point, are the same with or without them).
SPREAD = 192
SPREAD_SEED = 20261202


def spread_points(sampler: Sampler) -> np.ndarray:
    """Points of the region and the domain at every magnitude from 1e-8 to 1e3, each
    coordinate's sign at random: where a claim must have a value too. The sample
    points lie at typical magnitudes, and a claim without a value only beyond them
    (``1 + 0*log(2 - x)``, x > 2) verified while the probes compared its values far
    out."""
    rng = np.random.default_rng(SPREAD_SEED)
    candidates = sampler.restructure(_spread(rng, SPREAD, len(sampler.symbols), -8, 3))
    # Admissible as a sample point is: where(log(x) > 0, ...) has no value at x < 0,
    # though its compiled code reads the nan condition as false.
    return candidates[sampler.admissible(candidates)]


class Missing(NamedTuple):
    """Where an expression has no value: the point, the expression, and whether the
    point lies between domain edges (then a message shows it in full: a probe at x =
    0.3333336 on a band beside 1/3 reads as x = 0.333 rounded)."""

    point: np.ndarray
    expr: sympy.Expr
    close: bool = False


def without_value(exprs: Sequence[sympy.Expr], sampler: Sampler, sample: Sample
                  ) -> Missing | None:
    """The first point of the region, where the function and its derivative have values,
    at which one of ``exprs`` (a claim, or a step) has none; None if none was found.

    Looked at: the sample, the points drawn on the way and :func:`spread_points`
    (:func:`.compare.first_without_value`); and, if ``exprs`` have domain edges (a
    log's argument, a root's base), the probes between those edges along the lines
    through the sample points (:func:`probes`), the pieces narrower than a double's
    spacing included. A claim without a value only on a band at the edge of the region
    (``0*log(x - 1/3 - 10**-6)`` on x > 1/3) met no random point and verified."""
    found = first_without_value(exprs, sample, spread_points(sampler))
    if found is not None or not exprs or not _own_edges(exprs, sampler):
        return None if found is None else Missing(*found)
    between = probes(sampler, _unflattened(exprs))
    # (the sample was looked at: the probes alone now)
    nothing = dataclasses.replace(sample, points=sample.points[:0], admitted=np.empty((0, 0)))
    found = first_without_value(exprs, nothing, between.points)
    if found is not None:
        return Missing(*found, close=True)
    digits = EXACT_DIGITS + exact.constant_digits(exprs)
    for point in between.exact:
        values = certified.evaluate(exprs, dict(zip(sampler.symbols, point)), digits)
        missing = next((e for e, v in zip(exprs, values) if v is None), None)
        if missing is not None:
            return Missing(point, missing, close=True)
    return _without_value_exactly(exprs, sampler.symbols,
                                  [*between.points[:MAX_ENCLOSED], *between.exact], digits)


#: Probes whose values are enclosed (see :func:`_without_value_exactly`), at most.
MAX_ENCLOSED = 256


def _without_value_exactly(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
                           points: Sequence[Sequence[object]], digits: int
                           ) -> Missing | None:
    """The first of ``points`` at which one of ``exprs`` has no value in exact
    arithmetic, though it has one in rounded arithmetic: on the piece x < 1 of
    ``0*tan(pi*max(x, 1)/2)`` the argument is exactly pi/2, whose double (and any
    rounding of it to many digits) is no pole, so ``tan`` had a value there in every
    evaluation. An enclosure finds the points where a value *may* be missing (it holds
    pi/2 and sees that cos(pi/2) may be 0); SymPy then decides it at the exact point
    (``tan(pi/2)`` is ``zoo``, but ``sqrt(max(x, 1/3) - 1/3)`` at x < 1/3 is 0, whose
    enclosure reaches below 0 however many digits)."""
    for point in points:
        at = dict(zip(symbols, point))
        values = certified.evaluate(exprs, at, digits, certified.BALLS)
        for expr, value in zip(exprs, values):
            if value is None and no_value_at(expr, symbols, point, digits):
                return Missing(point, expr, close=True)
    return None


def _unflattened(exprs: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """``exprs`` with each denominator that has pieces in place of its inverse, and
    the argument of a ``tan`` or ``cot`` with pieces in place of it: as a guard,
    ``relu(x - 1/3)`` is zero on the whole band x < 1/3, which got no probe then,
    though ``1/relu(x - 1/3)`` has no value on it; its kink's guard ``x - 1/3`` bounds
    the band instead."""
    poles: dict[sympy.Basic, sympy.Basic] = {}
    for node in {n for e in exprs for n in distinct_nodes(e)}:
        if node.is_Pow and node.exp.is_negative and node.base.has(*boundaries.KINKS):
            poles[node] = node.base
        elif isinstance(node, sympy.tan | sympy.cot) and node.args[0].has(*boundaries.KINKS):
            poles[node] = node.args[0]
    return [e.xreplace(poles) for e in exprs] if poles else list(exprs)


def _own_edges(exprs: Sequence[sympy.Expr], sampler: Sampler) -> list[sympy.Expr]:
    """The domain edges of ``exprs`` where a band on which only ``exprs`` have no value
    can begin: those without a value on a whole side that the function and its
    derivative have a value on (``log(x - 1/3)`` beside the pole of ``1/(x - 1/3)``),
    and denominators that may be zero on a whole piece (``1/relu(x - 1/3)``) and are
    not the function's; a plain pole is one point, not a band. (Searching between the
    edges they share, transcendental ones of abstract functions' replacements among
    them, took seconds for each step of a derivation.)"""
    known = domain_edges([*sampler.outputs, *sampler.jacobian, *sampler.finite_exprs])
    own = []
    for edge, one_sided in domain_edges(exprs).items():
        if one_sided and not known.get(edge):
            own.append(edge)
        elif not one_sided and edge not in known and edge.has(*boundaries.KINKS):
            own.append(edge)  # (the function's own denominator has no value there)
    return own


def _spread(rng: np.random.Generator, count: int, width: int, low: int, high: int
            ) -> np.ndarray:
    size = (count, width)
    return 10 ** rng.uniform(low, high, size) * rng.choice([-1.0, 1.0], size)


class _Lines:
    """The coordinate lines through base points, each probed once; a guard's zeros are
    found once for all the lines on which it is the same function."""

    def __init__(self, guards: list[sympy.Expr], symbols: Sequence[sympy.Symbol],
                 rng: np.random.Generator) -> None:
        self.guards = guards
        self.symbols = list(symbols)
        self.rng = rng
        #: Roots as close as a guard's constants make them (x**2 - 2 - 10**-155) are
        #: told apart with about 3.3 bisections per digit those constants span.
        self.refinements = boundaries.REFINEMENTS + 4 * exact.constant_digits(guards)
        self.seen: set[tuple] = set()
        #: zeros (None: not solved), and whether searched in the window only
        self.known: dict[tuple, tuple[boundaries.Zeros | None, bool]] = {}
        self.budget = intervals.Budget(ISOLATION)
        #: the half-width of the smallest window some zeros were searched in only
        #: (isolated or periodic); None while every zero was found in closed form
        self.window: float | None = None
        self.windowed = False  # the zeros of the current line were
        self.linear: dict[tuple[int, int], boundaries.Linear | None] = {}
        self.plain: dict[int, bool] = {}
        self.degrees: dict[tuple[int, int], int | None] = {}
        #: guards on lines as polynomials (see :meth:`_along`)
        self.polynomials: dict[tuple, list[Fraction] | None] = {}
        self.fractions: dict[tuple[int, int], tuple | None] = {}
        self.columns = [{self.symbols.index(s) for s in g.free_symbols if s in self.symbols}
                        for g in guards]
        #: (base, column, exact coordinate) of the pieces too narrow for a double
        self.gaps: list[tuple[np.ndarray, int, object]] = []

    def points(self, base: np.ndarray, column: int, coverage: Probes
               ) -> tuple[np.ndarray, np.ndarray, int] | None:
        """Points on the line through ``base`` along ``column``: the small values and
        the midpoints, the random points, and the number of intervals; None if the line
        was seen before."""
        on_line = [k for k, cols in enumerate(self.columns) if column in cols]
        key = (column, tuple(np.delete(base, column)))
        if key in self.seen:
            return None
        self.seen.add(key)
        values, chance = self._fixed(base), np.empty(0)
        if on_line:
            middles, chance = self._cells(base, column, on_line, coverage)
            values = np.concatenate([values, middles])
            narrow = self._gaps(base, column, on_line, coverage)
            values = np.concatenate([values, [v for v in narrow if isinstance(v, float)]])
            self.gaps += [(base, column, v) for v in narrow if not isinstance(v, float)]
        return _on_line(base, column, values), _on_line(base, column, chance), len(chance)

    def _fixed(self, base: np.ndarray) -> np.ndarray:
        """The coordinates every line gets, besides those between its zeros."""
        if not base.any():
            return np.array(AXIS_VALUES)
        return np.array([0.0, self.rng.choice([-1.0, 1.0]) * 10 ** self.rng.uniform(-8, -3)])

    def _cells(self, base: np.ndarray, column: int, on_line: list[int],
               coverage: Probes) -> tuple[np.ndarray, np.ndarray]:
        half, centre = WINDOW, 0.0
        while True:
            lo, hi = centre - half, centre + half
            try:
                zeros = self._zeros(base, column, on_line, lo, hi, coverage)
                break
            except boundaries.TooMany:
                coverage.capped = True
                half, centre = half / NARROWER, float(base[column])
                if half < MIN_WINDOW:
                    return np.empty(0), np.empty(0)
        if self.windowed:
            self.window = min(self.window or half, half)
        # Zeros known beyond the window (in closed form) widen it: each of their
        # intervals gets its points, and so does the one past the last of them.
        if zeros:
            lo = min(lo, zeros[0][0] - max(1.0, abs(zeros[0][0])))
            hi = max(hi, zeros[-1][1] + max(1.0, abs(zeros[-1][1])))
        return _between(zeros, lo, hi, self.rng)

    def _zeros(self, base: np.ndarray, column: int, on_line: list[int], lo: float,
               hi: float, coverage: Probes) -> boundaries.Zeros:
        """The zeros of the guards on the line in ``[lo, hi]``, merged."""
        found: boundaries.Zeros = []
        self.windowed = False
        for k in on_line:
            others = sorted(self.columns[k] - {column})
            key = (k, column, tuple(base[others]), lo, hi)
            if key not in self.known:
                self.known[key] = self._solve(k, base, column, lo, hi)
            zeros, windowed = self.known[key]
            self.windowed |= windowed
            if zeros is None:
                if self.guards[k] not in coverage.unsolved:
                    coverage.unsolved.append(self.guards[k])
                continue
            found += zeros
        return intervals.merge(found)

    def _solve(self, k: int, base: np.ndarray, column: int, lo: float, hi: float
               ) -> tuple[boundaries.Zeros | None, bool]:
        """Guard ``k`` on the line, the other coordinates exactly as in ``base``; and
        whether its zeros were searched in the window only."""
        t = self.symbols[column]
        linear = self._linear(k, column)
        if linear is not None:
            known = linear.zeros({self.symbols[c]: Fraction(float(base[c]))
                                  for c in self.columns[k] - {column}})
            if known is not None:
                return known
        coefficients = self._along(k, base, column)
        if coefficients is not None:
            line = boundaries.Line(t, lo, hi, self.budget)
            return boundaries.polynomial_zeros(coefficients, line), line.windowed
        fixed = {self.symbols[c]: sympy.Rational(float(base[c]))
                 for c in self.columns[k] - {column}}
        line = boundaries.Line(t, lo, hi, self.budget)
        try:
            return boundaries.zeros(self.guards[k].xreplace(fixed), line), line.windowed
        except boundaries.Unsolved:
            return None, line.windowed


    def _gaps(self, base: np.ndarray, column: int, on_line: list[int], coverage: Probes
              ) -> list[object]:
        """Points in the pieces of the line too narrow for the probes between zeros
        rounded to doubles, between the zeros known exactly (of the guards linear along
        it, and isolated for those polynomial along it): doubles, or exact mpmath
        numbers (see :func:`.boundaries.gaps`). Where a polynomial guard's zeros could
        not be isolated, or told apart, ``coverage`` is marked capped: pieces narrower
        than a double's spacing may have gone without a probe."""
        roots, polys = set(), []
        for k in on_line:
            values = {self.symbols[c]: Fraction(float(base[c]))
                      for c in self.columns[k] - {column}}
            linear = self._linear(k, column)
            if linear is not None:
                root = linear.root(values)
                if root is not None:
                    roots.add(root)
                continue  # (None: constant along the line, or a pole there)
            coefficients = self._along(k, base, column)
            if coefficients is None:
                # Not a polynomial with rational coefficients along the line (x -
                # sqrt(2), exp(x) - 2, a rational function), or of a degree bound too
                # high: its zeros are known to a double's precision only.
                coverage.coarse = True
                continue
            try:
                poly = boundaries.curve(coefficients)
            except boundaries.TooHigh:
                coverage.capped = True
                continue
            if poly is not None:
                polys.append(poly)
        if polys:
            # Roots of polynomial guards too (x**2 - 2 and x**2 - 2 - 10**-30 are apart
            # by less than a double's spacing: a claim wrong between them passed).
            isolated = boundaries.separated(sorted(roots), polys, self.refinements)
            if isolated is not None:
                return boundaries.gaps_between(isolated)
            coverage.capped = True
        # (roots too close to part: the linear guards' gaps at least)
        return list(boundaries.gaps(sorted(roots))) if len(roots) > 1 else []

    def _along(self, k: int, base: np.ndarray, column: int) -> list[Fraction] | None:
        """Guard ``k`` on the line through ``base`` along ``column`` as a polynomial in
        that coordinate: its exact coefficients, highest first, interpolated from exact
        values (:func:`.exact.along`; substituting the line into a large guard and
        building a polynomial took seconds); None where it is none there."""
        others = sorted(self.columns[k] - {column})
        key = (k, column, tuple(base[others]))
        if key not in self.polynomials:
            values = {self.symbols[c]: Fraction(float(base[c])) for c in others}
            try:
                self.polynomials[key] = self._interpolated(k, column, values)
            except (ZeroDivisionError, KeyError):  # a pole there, or another symbol
                self.polynomials[key] = None
        return self.polynomials[key]

    def _interpolated(self, k: int, column: int, values: dict[sympy.Symbol, Fraction]
                      ) -> list[Fraction] | None:
        """:meth:`_along`'s polynomial: the guard's own, or for a rational function of
        the line's coordinate (``(x**2 - 2)/(x**2 + 1)``, ``2/x**2 - 1``) its numerator
        times its denominator, which has the guard's sign wherever it has a value and a
        zero at each of its zeros and poles (a thin piece beside them had no exact
        probe)."""
        t = self.symbols[column]
        degree = self._degree(k, column)
        if degree is not None:
            return exact.along(self.guards[k], t, degree, values)
        parts = self._fraction(k, column)
        if parts is None:
            return None
        (top, top_degree), (bottom, bottom_degree) = parts
        return _times(exact.along(top, t, top_degree, values),
                      exact.along(bottom, t, bottom_degree, values))

    def _fraction(self, k: int, column: int
                  ) -> tuple[tuple[sympy.Expr, int], tuple[sympy.Expr, int]] | None:
        """Guard ``k`` as a numerator and a denominator polynomial along ``column``,
        each with a bound of its degree; None unless it is a small :func:`.exact.plain`
        rational function (SymPy's ``together`` of a large one costs seconds)."""
        key = (k, column)
        if key not in self.fractions:
            self.fractions[key] = None
            guard, t = self.guards[k], self.symbols[column]
            if self._plain(k) and tree_size([guard])[1] <= MAX_FRACTION_NODES:
                top, bottom = sympy.fraction(sympy.together(guard))
                degrees = [exact.degree_bound(p, t) if exact.plain(p) else None
                           for p in (top, bottom)]
                if all(d is not None and d <= MAX_INTERPOLATED for d in degrees):
                    self.fractions[key] = (top, degrees[0]), (bottom, degrees[1])
        return self.fractions[key]

    def _degree(self, k: int, column: int) -> int | None:
        """A bound of guard ``k``'s degree along ``column`` if it is a polynomial there
        of degree at most :data:`MAX_INTERPOLATED`, else None."""
        key = (k, column)
        if key not in self.degrees:
            guard = self.guards[k]
            degree = exact.degree_bound(guard, self.symbols[column]) \
                if self._plain(k) else None
            self.degrees[key] = degree if degree is not None \
                and degree <= MAX_INTERPOLATED else None
        return self.degrees[key]

    def _plain(self, k: int) -> bool:
        if k not in self.plain:
            self.plain[k] = exact.plain(self.guards[k])
        return self.plain[k]

    def _linear(self, k: int, column: int) -> boundaries.Linear | None:
        """Guard ``k`` as ``a*t + b`` along ``column``, found once (see
        :class:`.boundaries.Linear`)."""
        key = (k, column)
        if key not in self.linear:
            self.linear[key] = boundaries.Linear.of(self.guards[k], self.symbols[column])
        return self.linear[key]


def _times(first: list[Fraction], second: list[Fraction]) -> list[Fraction]:
    """The product of two polynomials given by their coefficients, highest first."""
    product = [Fraction(0)] * (len(first) + len(second) - 1)
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            product[i + j] += a * b
    return product


def _on_line(base: np.ndarray, column: int, values: np.ndarray) -> np.ndarray:
    points = np.repeat(base[None, :], len(values), axis=0)
    points[:, column] = values
    return points


def _between(zeros: boundaries.Zeros, lo: float, hi: float, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray]:
    """The midpoint of every interval between consecutive zeros in ``[lo, hi]``, and a
    random point inside each; intervals too narrow to hold a double are left out."""
    starts = [lo, *(b for _, b in zeros)]
    ends = [*(a for a, _ in zeros), hi]
    middles, chance = [], []
    for start, end in zip(starts, ends):
        middle = start + (end - start) / 2
        if start < middle < end:
            middles.append(middle)
            inside = start + rng.uniform(0.05, 0.95) * (end - start)
            chance.append(inside if start < inside < end else middle)
    return np.array(middles), np.array(chance)


def comparable(sampler: Sampler, points: np.ndarray, guards: list[sympy.Expr]
               ) -> np.ndarray:
    """Mask of ``points`` inside the region, with real values, and on no guard."""
    outputs, _, region = sampler.evaluate(points)
    ok = np.all(region > 0.5, axis=0)
    # the function's folded notes too (abs(x) + 0*log(x) has no value at x < 0)
    values = np.vstack([outputs, sampler.jac(points), sampler.finite(points)])
    finite = np.all(np.isfinite(values), axis=0)
    # A value past a double's range (exp(800)) is a value all the same: a claim wrong
    # only there must be compared there. Such points are decided in many digits, whose
    # exponents are unbounded; only where a value is none there either (a pole, a
    # domain edge) is the point skipped.
    beyond = np.flatnonzero(ok & ~finite)
    ok &= finite
    if len(beyond):
        ok[beyond] = sampler.valued(points[beyond])
    if not guards:
        return ok
    levels = compile_function(guards, sampler.symbols)(points)
    scale = np.maximum(1.0, np.max(np.abs(points), axis=1))
    # A guard without a value (nan: the claim's log(x) at x < 0) is not near: the point
    # is compared, and a claim without a value where the derivative has one fails
    # there (dropped, such points hid max(0, log(x)) claimed for relu's slope).
    near = np.flatnonzero(ok & np.any(np.isinf(levels) | (np.abs(levels) < NEAR * scale),
                                      axis=0))
    if len(near):
        ok[near] = _clear(sampler, points[near], guards)
    return ok


def _clear(sampler: Sampler, points: np.ndarray, guards: list[sympy.Expr]) -> np.ndarray:
    """Whether each point is inside the region and off every guard, in 50 digits."""
    clear = ~_on_smooth_guard(sampler.symbols, points, guards)
    kept = np.flatnonzero(clear)
    clear[kept] = _clear_in_digits(sampler, points[kept], guards)
    return clear


def _on_smooth_guard(symbols: Sequence[sympy.Symbol], points: np.ndarray,
                     guards: list[sympy.Expr]) -> np.ndarray:
    """Mask of points where a guard without kinks is exactly zero because of the
    coordinates that are exactly zero there (every probe on an axis, where ``W @ x + b``
    vanishes whatever the one coordinate that is not zero).

    Such a point is on a kink or has no value (where the guard has none), and is never
    compared; the proof is exact: the guard with those coordinates replaced by 0 is 0
    as SymPy writes it, and SymPy's automatic simplifications (``0*y``, ``sin(0)``) are
    identities wherever the guard has a value. It is decided once per pattern of zero
    coordinates, not once per point in 50 digits."""
    smooth = [(g, sorted(symbols.index(s) for s in g.free_symbols if s in symbols))
              for g in guards if not g.has(*boundaries.KINKS)]
    vanishes: dict[tuple, bool] = {}
    on = np.zeros(len(points), dtype=bool)
    zero = points == 0
    for i in np.flatnonzero(zero.any(axis=1)):
        for k, (guard, columns) in enumerate(smooth):
            pattern = (k, *(c for c in columns if zero[i, c]))
            if len(pattern) == 1:
                continue
            if pattern not in vanishes:
                vanishes[pattern] = guard.xreplace(
                    {symbols[c]: sympy.Integer(0) for c in pattern[1:]}) == 0
            if vanishes[pattern]:
                on[i] = True
                break
    return on


def _clear_in_digits(sampler: Sampler, points: np.ndarray, guards: list[sympy.Expr]
                     ) -> np.ndarray:
    """Whether each point is inside the region and off every guard, in 50 digits."""
    regions = [sympy.Piecewise((1, c), (0, True)) for c in sampler.conditions]
    rows = values_at([*guards, *regions], sampler.symbols, points, DIGITS)
    clear = np.array([all(v is not None for v in row)
                      and all(v == 1 for v in row[len(guards):]) for row in rows],
                     dtype=bool)
    # (point, guard) pairs where the guard is zero: a kink, unless it is flat there
    zero = [(i, k) for i, row in enumerate(rows) if clear[i]
            for k, v in enumerate(row[:len(guards)])
            if abs(v) < ZERO and not _nonzero(guards[k], sampler.symbols, points[i])]
    for k in sorted({k for _, k in zero}):
        at = [i for i, g in zero if g == k]
        # Without kinks a guard is analytic: zero around a point only if zero everywhere.
        clear[at] &= (flat(sampler, points[at], guards[k]) if guards[k].has(*boundaries.KINKS)
                      else False)
    return clear


def _nonzero(guard: sympy.Expr, symbols: Sequence[sympy.Symbol], point: np.ndarray
             ) -> bool:
    """Whether ``guard`` is certainly not zero at ``point``, however small it is there:
    ``x`` at ``x = 1e-150`` is off the kink of ``abs(x)``, and a claim wrong only that
    close to it (``x/abs(x)`` for the derivative of ``sqrt(x**2 + 10**-300)``) must be
    compared there."""
    ball = certified.enclosure(guard, dict(zip(symbols, point)), DIGITS)
    return ball is not None and certified.excludes_zero(ball)


def flat(sampler: Sampler, points: np.ndarray, guard: sympy.Expr) -> np.ndarray:
    """Whether a guard that is zero at each of ``points`` is zero all around it (the
    flat part of ``max(0, z)`` or of ``abs(x) - x``): then the point is inside a piece,
    not on a kink. Looked at a relative ``FLAT`` away along each coordinate it has."""
    columns = sorted(sampler.symbols.index(s) for s in guard.free_symbols
                     if s in sampler.symbols)
    moved = []
    for point in points:
        for column in columns:
            for sign in (-1, 1):
                other = point.copy()
                other[column] += sign * FLAT * max(1.0, abs(point[column]))
                moved.append(other)
    values = values_at([guard], sampler.symbols, np.array(moved), DIGITS)
    zero = np.array([v[0] is not None and abs(v[0]) < ZERO for v in values])
    return zero.reshape(len(points), -1).all(axis=1)

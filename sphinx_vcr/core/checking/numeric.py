"""Numeric checking: deterministic sample points and finite differences.

Points are drawn from a seeded generator, kept only where every ``:where:`` condition
holds, where the function and its derivative are finite, and where no "guard"
expression changes sign within the finite-difference stencil. Guards are the places a
function stops being smooth or finite: the arguments of ``abs``/``max``/step functions
and piecewise conditions (kinks), and denominators, logarithms and square roots
(singularities and domain edges). Staying on one side of all of them keeps the
differences away from kinks, so relu'(0) never matters and a correct derivative is
never flagged.

Derivatives are estimated with Ridders' method: central differences at shrinking steps,
extrapolated to step zero by Richardson's scheme, with an error estimate taken from the
extrapolation tableau. The tolerance of each comparison follows from that estimate.
(A short hand-written routine rather than ``scipy.differentiate``: the method is twenty
lines and keeps SciPy, a large dependency, out of every docs build.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mpmath
import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from ..errors import DomainError
from ..running.limits import bound_finite_differences
from ..words import _

if TYPE_CHECKING:
    from ..calculus.structure import Structure

CON = 1.4           # step shrink factor of Ridders' tableau
NTAB = 10           # tableau size (steps h0 ... h0 / CON**9)
SAFE = 2.0          # stop extrapolating once the error grows by this factor
BATCH = 512         # candidate points drawn at a time
MAX_ADMITTED = 512  # points of the region kept to look for a claim without a value
MAX_BATCHES = 16    # then give up: the region is (nearly) empty
LOW, HIGH = 0.2, 2.0  # coordinates are drawn with |value| in [LOW, HIGH] * scale
SCALES = (1.0, 10.0, 100.0)  # wider ranges, tried only while no point is admissible
PROBE_BATCHES = 4   # batches at one scale before a wider one is tried
STEP = 0.05         # initial relative step h0 (times max(1, |x|))
HUGE = 1e250         # values beyond this count as "near a singularity" (1e100 refused
                     # 10**200*x**2, whose values are far from overflowing a double)
UNRELIABLE = 1e-4   # error estimates above this (relative) mean: try a smaller step
#: Candidate points a batch decides in many digits (a guard of the function without a
#: value there); the others are left out.
MAX_DOUBTFUL = 32
DISCERN = 1e-3      # an estimate counts only if its uncertainty is this far below the value
SHRINKS = (1.0, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)  # first steps h0 * shrink,
#: tried in turn while a step disagrees: down to where sin(10**9*x) is resolved


def code_printer(printer: type) -> object:
    """``lambdify``'s own printer settings, without sorting the terms of every sum:
    the order of terms does not matter to a computer, and sorting them took half the
    time of compiling."""
    return printer({"fully_qualified_modules": False, "inline": True,
                    "allow_unknown_functions": True, "user_functions": {},
                    "order": "none"})


def compile_function(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]
                     ) -> Callable[[np.ndarray], np.ndarray]:
    """A NumPy function of points ``(batch, len(symbols))`` giving ``(len(exprs), batch)``.

    SymPy's ``lambdify`` prints our own SymPy objects (built from the whitelisted tree;
    never document text) to NumPy code, in which every symbol has a private name
    (:class:`PrivateNamesPrinter`): printed as the user wrote it, a symbol ``e`` would
    be NumPy's Euler number, and one named ``sign`` would hide ``numpy.sign``.
    """
    if not exprs:
        return lambda points: np.empty((0, points.shape[0]))
    if FAST:
        from ..symbolic import Unsupported
        from ..symbolic.compiled import compile_points
        try:
            return compile_points(exprs, symbols)
        except Unsupported:
            pass  # lambdify's NumPy code below
    return _lambdified(exprs, symbols)


#: Whether :func:`compile_function` compiles with symengine (issue 15's fast path)
#: before falling back to ``lambdify``; False only to compare the two
#: (``tests/core/test_fast_outcomes.py``).
FAST = True


def _lambdified(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]
                ) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`compile_function` by SymPy's ``lambdify`` (NumPy code)."""
    printer = code_printer(PrivateNamesPrinter)
    printer.names = {s: f"{PRIVATE_PREFIX}{k}" for k, s in enumerate(symbols)}
    arguments = [sympy.Symbol(name) for name in printer.names.values()]
    try:
        fn = sympy.lambdify([arguments], list(exprs), modules="numpy", printer=printer)
    except (KeyError, NameError, TypeError, SyntaxError) as err:
        # KeyError: a symbol that is not an argument (it has no column of the points).
        raise DomainError(_("cannot be evaluated numerically ({error})")
                          .format(error=type(err).__name__)) from None

    def run(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            try:
                columns = fn(points.T)
            except (ValueError, TypeError, ZeroDivisionError, OverflowError, NameError):
                # NameError: a function NumPy lacks (printed as it is): no value.
                return np.full((len(exprs), points.shape[0]), np.nan)
            return np.array([_real(c, points.shape[0]) for c in columns]).reshape(
                len(exprs), points.shape[0])
    return run


#: Generated code names its arguments this way. The language's names start with a
#: letter, and neither NumPy nor SymPy's printers use such names, so an argument can
#: mean nothing but its column of the points.
PRIVATE_PREFIX = "_vcr_"


class PrivateNamesPrinter(NumPyPrinter):
    """NumPy code in which each symbol is printed as the private name in ``names``
    (a symbol missing there is a KeyError, never a name looked up in NumPy)."""

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.names: dict[sympy.Symbol, str] = {}
        self._printed: dict[sympy.Basic, str] = {}

    def _print(self, expr: object, **kwargs: object) -> str:
        # Each distinct sub-expression is printed once: the entries of an inverse share
        # one determinant, and printing it again in every entry was most of the time
        # of compiling a Jacobian. The text of a node depends only on the node (a
        # parent adds its own brackets), and the only state printing leaves behind is
        # the modules it names, recorded the first time.
        if kwargs or not isinstance(expr, sympy.Basic):
            return super()._print(expr, **kwargs)
        text = self._printed.get(expr)
        if text is None:
            text = self._printed[expr] = super()._print(expr)
        return text

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return self.names[expr]

    _print_Dummy = _print_Symbol

    def _print_ComplexInfinity(self, expr: sympy.Basic) -> str:
        """``zoo`` (a division by zero in a where() branch) has no real value: nan."""
        return self._module_format("numpy.nan")

    def _print_Heaviside(self, expr: sympy.Heaviside) -> str:
        """The step, ``nan`` where its argument is ``nan``: SymPy's NumPy code for
        ``Heaviside(u, 0)`` is ``select([u <= 0, True], [0, 1])``, 1 at a nan."""
        u = self._print(expr.args[0])
        at_zero = expr.args[1] if len(expr.args) > 1 else sympy.Rational(1, 2)
        select, less, equal, greater, nan = (self._module_format(f"numpy.{name}") for name
                                             in ("select", "less", "equal", "greater",
                                                 "nan"))
        return (f"{select}([{less}({u}, 0), {equal}({u}, 0), {greater}({u}, 0)], "
                f"[0, {self._print(at_zero)}, 1], default={nan})")


def _real(column: object, count: int) -> np.ndarray:
    """A column of values as reals; values with an imaginary part are not finite."""
    values = np.broadcast_to(np.asarray(column), (count,))
    if np.iscomplexobj(values):
        return np.where(values.imag == 0, values.real, np.nan)
    try:
        return values.astype(float)
    except OverflowError:  # a constant past a double (10**400): infinite, as a double is
        return np.array([_double(v) for v in values], dtype=float)


def _double(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def guard_expressions(exprs: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """Expressions whose sign change marks a kink, a singularity or a domain edge."""
    guards: set[sympy.Expr] = set()
    for node in _distinct_nodes(exprs):
        edge = _domain_edge(node)
        if edge is not None:
            guards.add(edge[0])
        elif isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside):
            guards.add(node.args[0])
        elif isinstance(node, sympy.Max | sympy.Min):
            # Every pair: SymPy flattens max(a, max(b, c)) into Max(a, b, c), whose
            # piece changes where b meets c as well as where a meets either.
            guards.update(a - b for k, a in enumerate(node.args)
                          for b in node.args[k + 1:])
        elif isinstance(node, sympy.Piecewise):
            for _, condition in node.args:
                guards.update(relational_sides(condition))
    return sorted((g for g in guards if not g.is_number), key=sympy.default_sort_key)


def domain_edges(exprs: Sequence[sympy.Expr]) -> dict[sympy.Expr, bool]:
    """The guards of ``exprs`` where a value may end, each with whether ``exprs`` have
    no value on a whole side of it (a log's argument, a root's base) rather than only
    at its zeros (a denominator's base, tan's cosine)."""
    edges: dict[sympy.Expr, bool] = {}
    for node in _distinct_nodes(exprs):
        edge = _domain_edge(node)
        if edge is not None and not edge[0].is_number:
            edges[edge[0]] = edges.get(edge[0], False) or edge[1]
    return edges


def _domain_edge(node: object) -> tuple[sympy.Expr, bool] | None:
    """The guard at which ``node`` may have no value, and whether it has none on a
    whole side of it. None for a base SymPy knows is positive: the denominator of a
    softmax (a sum of exponentials of kinked terms) is never zero, and searching its
    zeros along every line was most of the time of checking a network's gradient."""
    if isinstance(node, sympy.log):
        return None if node.args[0].is_positive else (node.args[0], True)
    if isinstance(node, sympy.Pow) and not (node.exp.is_number and node.exp.is_nonnegative
                                            and node.exp.is_integer):
        if node.base.is_positive:
            return None
        # A symbolic exponent too: x**y has no real value for x < 0, and its
        # derivative y*x**(y - 1) need not show the edge x = 0 by a division.
        return node.base, not node.exp.is_integer
    if isinstance(node, sympy.tan):
        return sympy.cos(node.args[0]), False
    if isinstance(node, sympy.cot):  # (SymPy's form of tan(x + pi/2))
        return sympy.sin(node.args[0]), False
    return None


def _distinct_nodes(exprs: Sequence[sympy.Basic]) -> Iterator[sympy.Basic]:
    """Every node of ``exprs`` (as ``sympy.preorder_traversal`` meets them), each
    distinct one once: a sub-expression met again (a hidden unit's ``Max(0, z)`` in
    every entry of a network's derivative) is not walked again, since what a node
    contributes depends on the node alone."""
    seen: set[sympy.Basic] = set()
    stack = list(reversed(exprs))
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Basic):
            if node in seen:
                continue
            seen.add(node)
            yield node
            stack.extend(reversed(node.args))
        elif isinstance(node, Iterable) and not isinstance(node, str):
            yield node
            stack.extend(reversed(list(node)))
        else:
            yield node


def relational_sides(condition: sympy.Basic) -> list[sympy.Expr]:
    """``lhs - rhs`` of every comparison in ``condition``: where it may switch."""
    if isinstance(condition, sympy.core.relational.Relational):
        return [condition.lhs - condition.rhs]
    if isinstance(condition, sympy.And | sympy.Or | sympy.Not):
        return [g for arg in condition.args for g in relational_sides(arg)]
    return []


@dataclass
class Sample:
    """Accepted points and the finite-difference check at each of them."""

    symbols: list[sympy.Symbol]
    points: np.ndarray            # (count, len(symbols))
    max_relative_error: float     # |fd - symbolic| / scale, largest over all entries
    mismatch: tuple[int, int, int, float, float] | None  # point, row, col, fd, sym
    #: Other points of the region where the function and its derivative have values,
    #: drawn on the way (not checked by finite differences): where a claim must have a
    #: value too, looked at in double precision (see :func:`first_without_value`).
    admitted: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))


@dataclass
class Probes:
    """Points at which an undecided claim is compared, and what they cover."""

    points: np.ndarray
    #: intervals between consecutive boundaries (along all lines) that got points
    cells: int = 0
    #: guards whose zeros could not be found: their pieces were met by chance only
    unsolved: list[sympy.Expr] = field(default_factory=list)
    #: more lines or intervals than the budget: some were left out
    capped: bool = False
    #: some guard's zeros were known to a double's precision only (not a polynomial
    #: with rational coefficients along a line): a piece narrower than a double's
    #: spacing beside them had no probe
    coarse: bool = False
    #: of the points, those proven equal without evaluation (:mod:`.pieces`)
    proven: int = 0
    #: coordinates: with more than one, the intervals are those along lines
    dimensions: int = 1
    #: some boundaries were searched only where every coordinate is within this of 0
    #: (isolated or periodic ones); None: all were found in closed form, at any
    #: magnitude
    window: float | None = None


class Sampler:
    """Draws points for one instance and checks a Jacobian by finite differences."""

    def __init__(self, outputs: Sequence[sympy.Expr], jacobian: sympy.Matrix,
                 wrt: Sequence[sympy.Symbol], others: Sequence[sympy.Symbol],
                 conditions: Sequence[sympy.Basic], extra: Sequence[sympy.Expr],
                 seed: int, finite: Sequence[sympy.Expr] = (),
                 structure: Structure | None = None) -> None:
        """``extra`` (a claim) is kept off its kinks; ``finite`` must also have finite
        values at every point drawn (the forms of a derivation), though only
        ``outputs`` are differentiated. ``structure`` says which coordinates depend
        on others and which matrices are drawn positive definite (see
        :mod:`..calculus.structure`)."""
        self.symbols = [*wrt, *others]
        self._structured(structure)
        self.n_wrt = len(wrt)
        self.outputs, self.conditions = list(outputs), list(conditions)
        self.accepted = np.empty((0, len(self.symbols)))  # the points :meth:`draw` chose
        guards = guard_expressions([*outputs, *extra, *finite])
        self.guards = guards
        # The function's own guards: one without a value (where(log(x) > 0, ...) at
        # x < 0) means the function has none there either, though its compiled code
        # reads a nan condition as false; only the claim's may lack a value.
        own = set(guard_expressions([*outputs, *finite]))
        self.claim_only = np.array([g not in own for g in guards], dtype=bool)
        regions = [sympy.Piecewise((1, c), (0, True)) for c in conditions]
        bound_finite_differences(self.n_wrt, len(self.symbols),
                                 len(outputs) + len(guards) + len(regions))
        # One compiled function for what is evaluated at the same points (the values,
        # the guards and the region), one for the Jacobian: compiling costs more than
        # evaluating.
        self.sizes = (len(outputs), len(guards), len(regions))
        self.values = compile_function([*outputs, *guards, *regions], self.symbols)
        self.finite = compile_function(list(finite), self.symbols)
        self.finite_exprs = list(finite)
        self.jac = compile_function(list(jacobian), self.symbols)
        self.jacobian = list(jacobian)  # for points where a double overflows
        self.shape = jacobian.shape
        self.rng = np.random.default_rng(seed)
        #: Whether some candidate had a value beyond a double's range (see draw).
        self.overflowed = False

    def evaluate(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values, guards and region membership (1 or 0) at ``points``, by rows."""
        values = self.values(points)
        outputs, guards, _ = self.sizes
        return (values[:outputs], values[outputs:outputs + guards],
                values[outputs + guards:])

    def _structured(self, structure: Structure | None) -> None:
        """The columns that :meth:`restructure` sets and the positive-definite blocks
        that :meth:`candidates` draws."""
        self.structure = structure
        dependent = structure.dependent if structure else {}
        found = [s for s in dependent if s in self.symbols]
        #: Coordinates set from the others: never varied on their own.
        self.dependent = [self.symbols.index(s) for s in found]
        self._fill = compile_function([dependent[s] for s in found], self.symbols)
        self._definite = [[[self.symbols.index(s) for s in row] for row in block]
                          for block in (structure.definite if structure else [])
                          if all(s in self.symbols for row in block for s in row)]

    def free_form(self, expr: sympy.Basic) -> sympy.Basic:
        """``expr`` with the dependent coordinates substituted."""
        return self.structure.apply(expr) if self.structure else expr

    def candidates(self, scale: float) -> np.ndarray:
        size = (BATCH, len(self.symbols))
        magnitude = self.rng.uniform(LOW * scale, HIGH * scale, size)
        points = magnitude * self.rng.choice([-1.0, 1.0], size)
        for block in self._definite:
            matrices = definite_matrices(self.rng, BATCH, len(block), scale)
            for i, row in enumerate(block):
                for j, column in enumerate(row):
                    points[:, column] = matrices[:, i, j]
        return self.restructure(points)

    def restructure(self, points: np.ndarray) -> np.ndarray:
        """``points`` with every dependent coordinate set from the free ones."""
        if self.dependent:
            points = points.copy()
            with np.errstate(all="ignore"):
                points[:, self.dependent] = self._fill(points).T
        return points

    def steps(self, points: np.ndarray) -> np.ndarray:
        return STEP * np.maximum(1.0, np.abs(points[:, : self.n_wrt]))

    def admissible(self, points: np.ndarray) -> np.ndarray:
        """Mask of candidate points in the region, with finite values, off every guard."""
        outputs, guards, region = self.evaluate(points)
        ok = np.all(region > 0.5, axis=0)
        values = np.vstack([outputs, self.jac(points), self.finite(points)])
        with np.errstate(invalid="ignore"):
            # Values past a double's range in the region: said so if no point is left.
            self.overflowed |= bool(np.any(ok & np.any(np.abs(values) >= HUGE, axis=0)))
        ok &= np.all(np.isfinite(values) & (np.abs(values) < HUGE), axis=0)
        # A guard of the claim without a value (nan: its log(x) at x < 0) is not a point
        # on it: excluding such points hid a claim with no value where the function has
        # one (max(0, log(x)) for relu's slope); _check_claim_has_values reports it.
        near = np.abs(guards) <= 1e-9  # (a nan is not near: see above)
        on = ok & np.any(near, axis=0)
        ok &= ~on
        # A guard zero all around a point is no kink there (1 - x/abs(x) at x > 0, in
        # max(-1, min(1, x/abs(x))): the piece chosen is the same on both sides).
        # Dropped, such points left no sample point at all.
        level = np.flatnonzero(on)[:MAX_DOUBTFUL]
        if len(level):
            ok[level] = self._in_flat_pieces(points[level], near[:, level])
        # Where a guard of the function itself has no value, its compiled code may still
        # give one (a nan condition reads as false): the point is kept only if the
        # function and its derivative have values in many digits (where(x > 0,
        # max(x, sqrt(x)), 0) at x < 0 does; where(log(x) > 0, log(x), 0) does not).
        doubtful = np.flatnonzero(ok & np.any(np.isnan(guards)
                                              & ~self.claim_only[:, None], axis=0))
        if len(doubtful):
            ok[doubtful] = False
            kept = doubtful[:MAX_DOUBTFUL]
            ok[kept] = self.valued(points[kept])
        return ok

    def _in_flat_pieces(self, points: np.ndarray, near: np.ndarray) -> np.ndarray:
        """Whether every guard (of ``near``, by rows) that is zero at each point is a
        kink's that is zero all around it (see :func:`.regions.flat`): a smooth guard
        zero on an open set is zero everywhere, so on it."""
        from .boundaries import KINKS  # imported here: boundaries imports this
        from .regions import flat

        clear = np.ones(len(points), dtype=bool)
        for k in np.flatnonzero(near.any(axis=1)):
            at = np.flatnonzero(near[k] & clear)
            if len(at):
                clear[at] = flat(self, points[at], self.guards[k]) \
                    if self.guards[k].has(*KINKS) else False
        return clear

    def valued(self, points: np.ndarray) -> np.ndarray:
        """Whether the function, its derivative and the forms that must be finite have
        real values at each point, in 50 digits."""
        from .compare import DIGITS, values_at  # imported here: compare imports this

        exprs = [*self.outputs, *self.jacobian, *self.finite_exprs]
        return np.array([all(v is not None for v in row)
                         for row in values_at(exprs, self.symbols, points, DIGITS)],
                        dtype=bool)

    def ridders(self, point: np.ndarray, shrink_first: float = 1.0
                ) -> tuple[np.ndarray, np.ndarray, float] | None:
        """Jacobian estimate, its error estimate and the roundoff scale at ``point``.

        None when the stencil is unusable: a value is not finite, or a guard changes
        sign at one of its abscissae (a kink or pole between them, however dense).
        """
        h0 = self.steps(point[None, :])[0] * shrink_first
        shrink = CON ** -np.arange(NTAB)
        h = h0[None, :] * shrink[:, None]                        # (NTAB, n_wrt)
        plus = np.repeat(point[None, None, :], NTAB, 0).repeat(self.n_wrt, 1)
        minus = plus.copy()
        idx = np.arange(self.n_wrt)
        plus[:, idx, idx] += h
        minus[:, idx, idx] -= h
        flat = np.concatenate([plus.reshape(-1, len(point)), minus.reshape(-1, len(point))])
        values, guards, _ = self.evaluate(flat)                  # (m, 2 * NTAB * n)
        if not np.all(np.isfinite(values)):
            return None
        centre = np.sign(self.evaluate(point[None, :])[1])
        # nan on both sides is no crossing (a claim's guard where it has no value)
        if np.any((np.sign(guards) != centre) & ~(np.isnan(guards) & np.isnan(centre))):
            return None
        half = values.shape[1] // 2
        fp = values[:, :half].reshape(-1, NTAB, self.n_wrt)
        fm = values[:, half:].reshape(-1, NTAB, self.n_wrt)
        diffs = (fp - fm) / (2 * h[None, :, :])                  # (m, NTAB, n)
        estimate, error = _extrapolate(diffs)
        roundoff = 100 * np.finfo(float).eps * np.max(np.abs(values)) / h.min()
        return estimate, error, roundoff

    def judge(self, point: np.ndarray, rtol: float, atol: float
              ) -> tuple[float, tuple[int, int, float, float] | None] | None:
        """Finite differences against SymPy at ``point``: (largest relative error,
        first mismatch or None), or None if no step gives a reliable estimate.

        A mismatch at one step is tried again at smaller steps: curvature that the error
        estimate missed shrinks away, a wrong derivative does not.
        """
        if not self.n_wrt:
            return 0.0, None  # nothing is differentiated (a derivation without diff())
        sym = self.jac(point[None, :])[:, 0].reshape(self.shape)
        verdict = None
        for shrink_first in SHRINKS:
            estimate = self.ridders(point, shrink_first)
            if estimate is None:
                continue
            fd, err, roundoff = estimate
            magnitude = np.maximum(np.abs(sym), np.abs(fd))
            if np.any(err > UNRELIABLE * (1 + magnitude)):
                continue
            # A step whose uncertainty is not far below the values cannot tell a wrong
            # derivative from a right one: it would pass anything within ten times its
            # error (the test above is absolute below magnitude 1e-4), or within its
            # rounding (the smallest steps). It does not count, except for entries
            # within the rounding of the first steps, which no step resolves (the
            # e**-1000 entries of softmax(1000 z)).
            unresolved = 10 * err + roundoff > DISCERN * magnitude + atol
            unresolvable = magnitude <= 10 * roundoff * shrink_first
            if np.any(unresolved & ~unresolvable):
                continue
            gap = np.abs(fd - sym)
            worst = float(np.max(gap / (magnitude + atol + 1e-300)))
            bad = np.argwhere(gap > atol + rtol * magnitude + 10 * err + roundoff)
            if not len(bad):
                return worst, None
            i, j = bad[0]
            verdict = (worst, (int(i), int(j), float(fd[i, j]), float(sym[i, j])))
        if verdict is not None:
            refereed = self._refereed(point, *verdict[1][:2], verdict[1][3], rtol, atol)
            if refereed is not None:
                return refereed, None
        return verdict

    def _refereed(self, point: np.ndarray, row: int, column: int, symbolic: float,
                  rtol: float, atol: float) -> float | None:
        """The relative error of SymPy's entry ``(row, column)`` against a central
        difference in many digits, if they agree where double-precision steps did not
        (a function that varies faster than the smallest step, like ``sin(10**6*x)``);
        None if they disagree too (then the mismatch stands)."""
        from . import certified  # imported here: only a disagreement pays for it

        exact = certified.central_difference(
            self.outputs[row], dict(zip(self.symbols, map(float, point))),
            self.symbols[column])
        if exact is None:
            return None
        gap, scale = abs(float(exact) - symbolic), max(abs(symbolic), abs(float(exact)))
        return gap / (scale + atol + 1e-300) if gap <= atol + rtol * scale else None

    def probes(self, exprs: Sequence[sympy.Expr]) -> Probes:
        """Extra points to compare a claim at (``exprs``: the claim and the derivative),
        within the region and the domain: one in every interval between the boundaries
        of their pieces along lines through the sample points, and points at small
        and large magnitudes. See :mod:`.regions`."""
        # Imported here: regions compares in high precision, and compare imports this.
        from .regions import probes

        return probes(self, exprs)

    def draw(self, count: int, rtol: float, atol: float) -> Sample:
        """``count`` usable points, with the finite-difference check at each."""
        accepted: list[np.ndarray] = []
        admitted: list[np.ndarray] = []
        worst, mismatch = 0.0, None
        admissible_seen = 0
        scale = SCALES[0]
        for batch in range(MAX_BATCHES):
            # Typical values first; wider ranges only while no point was admissible
            # (the region lies outside them, as for :where: x > 5).
            if not admissible_seen:
                scale = SCALES[min(batch // PROBE_BATCHES, len(SCALES) - 1)]
            candidates = self.candidates(scale)
            mask = self.admissible(candidates)
            admissible_seen += int(mask.sum())
            if sum(map(len, admitted)) < MAX_ADMITTED:
                admitted.append(candidates[mask])
            for point in candidates[mask]:
                verdict = self.judge(point, rtol, atol)
                if verdict is None:
                    continue  # too curved, noisy or kinked here to judge: another point
                error, bad = verdict
                worst = max(worst, error)
                if bad is not None and mismatch is None:
                    mismatch = (len(accepted), *bad)
                accepted.append(point)
                if len(accepted) == count:
                    self.accepted = np.array(accepted)
                    return Sample(self.symbols, self.accepted, worst, mismatch,
                                  np.vstack(admitted)[:MAX_ADMITTED])
        if not admissible_seen:
            tried = _("tried {count} points with |coordinates| from {low} to {high}").format(
                count=BATCH * MAX_BATCHES, low=LOW, high=f"{HIGH * SCALES[-1]:g}")
            constrained = bool(self.structure and self.structure.constrained)
            if self.overflowed and constrained:
                # An inverse of a matrix singular on the constraint (det(X) == 0) is
                # infinite there, which says nothing of a large constant factor.
                raise DomainError(_("on the equality constraints of :where:, the function "
                                    "or its derivative is infinite or beyond double "
                                    "precision at every sample point ({tried}): is it "
                                    "divided by something zero on the constraint, such "
                                    "as the inverse or logdet of a matrix singular there?"
                                    ).format(tried=tried), option="where")
            if self.overflowed:
                raise DomainError(_("the values of the function or its derivative exceed "
                                    "what double precision holds (about 1e308) at the "
                                    "sample points ({tried}); finite differences run in "
                                    "double precision: divide out a large constant "
                                    "factor").format(tried=tried))
            if constrained:
                raise DomainError(_("no sample point on the equality constraints of "
                                    ":where: satisfies its other conditions with finite "
                                    "values of the function ({tried}); check that the "
                                    "conditions can hold together").format(tried=tried),
                                  option="where")
            if self.sizes[2]:
                raise DomainError(_("no sample point satisfies :where: with finite values "
                                    "of the function ({tried}); check the conditions")
                                  .format(tried=tried), option="where")
            raise DomainError(_("the function has no finite real value at any sample point "
                                "({tried}); check its domain, or narrow it with :where:")
                              .format(tried=tried))
        raise DomainError(_("only {usable} of {count} sample points were usable: the "
                            "function is not smooth or not finite at most points tried")
                          .format(usable=len(accepted), count=count))


#: The condition number of a positive-definite sample is at most this: a near-singular
#: matrix would make an inverse's finite differences meaningless.
CONDITION = 4.0


def definite_matrices(rng: np.random.Generator, count: int, size: int, scale: float
                      ) -> np.ndarray:
    """``count`` symmetric positive-definite ``size`` x ``size`` matrices, well
    conditioned and unstructured otherwise: Q diag(λ) Qᵀ with Q a random orthogonal
    matrix and λ in [1, CONDITION] times a random magnitude, so no entry is 0 or 1 and
    none equals another by design."""
    orthogonal, _r = np.linalg.qr(rng.standard_normal((count, size, size)))
    eigenvalues = rng.uniform(1.0, CONDITION, (count, size))
    eigenvalues *= rng.uniform(LOW * scale, HIGH * scale, (count, 1))
    return (orthogonal * eigenvalues[:, None, :]) @ orthogonal.transpose(0, 2, 1)


def _extrapolate(diffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ridders' Richardson tableau over axis 1 of ``diffs``; best value and error."""
    m, _, n = diffs.shape
    best = diffs[:, 0, :].copy()
    error = np.full((m, n), np.inf)
    done = np.zeros((m, n), dtype=bool)
    previous = [diffs[:, 0, :]]
    con2 = CON * CON
    for i in range(1, NTAB):
        row = [diffs[:, i, :]]
        factor = con2
        for j in range(1, i + 1):
            value = (row[j - 1] * factor - previous[j - 1]) / (factor - 1)
            factor *= con2
            err = np.maximum(np.abs(value - row[j - 1]), np.abs(value - previous[j - 1]))
            better = (err <= error) & ~done
            best = np.where(better, value, best)
            error = np.where(better, err, error)
            row.append(value)
        done |= np.abs(row[i] - previous[i - 1]) >= SAFE * error
        if done.all():  # every entry has stopped improving: the rest cannot change it
            break
        previous = row
    return best, error


def format_point(symbols: Sequence[sympy.Symbol], point: np.ndarray,
                 exact: bool = False, names: dict[sympy.Basic, str] | None = None) -> str:
    """``x=0.83, y=-1.21``: a sample point as a message shows it. ``exact`` shows each
    coordinate in full (the shortest text that reads back as it): a probe in a narrow
    interval (``x=0.50025``) would be misread rounded to three digits. ``names``: how
    the author writes entry symbols (``x1``, ``W[1, 2]``; the messages' ``entry_texts``),
    so that a point reads as the expressions quoted beside it do."""
    names = names or {}
    texts = [names.get(s) or str(s) for s in symbols]
    return ", ".join(f"{t}={_coordinate(v, exact)}" for t, v in zip(texts, point))


def _coordinate(value: object, exact: bool) -> str:
    if not exact:
        return f"{float(value):.3g}"
    if isinstance(value, mpmath.mpf) and mpmath.mpf(float(value)) != value:
        # An exact probe between two zeros closer than a double's spacing: as many
        # digits as its binary mantissa has (it is the shortest dyadic inside its piece).
        bits = value._mpf_[3]
        return mpmath.nstr(value, min(1000, math.ceil(bits * math.log10(2)) + 1))
    return repr(float(value))

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from .errors import DomainError
from .limits import bound_finite_differences
from .words import _

CON = 1.4           # step shrink factor of Ridders' tableau
NTAB = 10           # tableau size (steps h0 ... h0 / CON**9)
SAFE = 2.0          # stop extrapolating once the error grows by this factor
BATCH = 512         # candidate points drawn at a time
MAX_BATCHES = 16    # then give up: the region is (nearly) empty
LOW, HIGH = 0.2, 2.0  # coordinates are drawn with |value| in [LOW, HIGH] * scale
SCALES = (1.0, 10.0, 100.0)  # wider ranges, tried only while no point is admissible
PROBE_BATCHES = 4   # batches at one scale before a wider one is tried
STEP = 0.05         # initial relative step h0 (times max(1, |x|))
HUGE = 1e100         # values beyond this count as "near a singularity"
UNRELIABLE = 1e-4   # error estimates above this (relative) mean: try a smaller step
SHRINKS = (1.0, 0.1, 0.01, 0.001)  # first steps h0 * shrink, for fast-varying functions
PROBES = 48         # wide points at which an undecided claim is compared
PROBE_BASES = 8     # points on each side of each kink


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
    never document text) to NumPy code. Symbol names there are identifiers that passed
    the same whitelist (``lambdify`` renames any that would not be valid Python).
    """
    if not exprs:
        return lambda points: np.empty((0, points.shape[0]))
    try:
        fn = sympy.lambdify([list(symbols)], list(exprs), modules="numpy",
                            printer=code_printer(NumPyPrinter))
    except (KeyError, NameError, TypeError, SyntaxError) as err:
        raise DomainError(_("cannot be evaluated numerically ({error})")
                          .format(error=type(err).__name__)) from None

    def run(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            try:
                columns = fn(points.T)
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                return np.full((len(exprs), points.shape[0]), np.nan)
            return np.array([_real(c, points.shape[0]) for c in columns]).reshape(
                len(exprs), points.shape[0])
    return run


def _real(column: object, count: int) -> np.ndarray:
    """A column of values as reals; values with an imaginary part are not finite."""
    values = np.broadcast_to(np.asarray(column), (count,))
    if np.iscomplexobj(values):
        return np.where(values.imag == 0, values.real, np.nan)
    return values.astype(float)


def guard_expressions(exprs: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """Expressions whose sign change marks a kink, a singularity or a domain edge."""
    guards: set[sympy.Expr] = set()
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside | sympy.log):
                guards.add(node.args[0])
            elif isinstance(node, sympy.Max | sympy.Min):
                first, *rest = node.args
                guards.update(first - other for other in rest)
            elif isinstance(node, sympy.Piecewise):
                for _, condition in node.args:
                    guards.update(_relational_sides(condition))
            elif isinstance(node, sympy.Pow) and node.exp.is_number and (
                    node.exp.is_negative or not node.exp.is_integer):
                guards.add(node.base)
            elif isinstance(node, sympy.tan):
                guards.add(sympy.cos(node.args[0]))
    return sorted((g for g in guards if not g.is_number), key=sympy.default_sort_key)


def _relational_sides(condition: sympy.Basic) -> list[sympy.Expr]:
    if isinstance(condition, sympy.core.relational.Relational):
        return [condition.lhs - condition.rhs]
    if isinstance(condition, sympy.And | sympy.Or | sympy.Not):
        return [g for arg in condition.args for g in _relational_sides(arg)]
    return []


@dataclass
class Sample:
    """Accepted points and the finite-difference check at each of them."""

    symbols: list[sympy.Symbol]
    points: np.ndarray            # (count, len(symbols))
    max_relative_error: float     # |fd - symbolic| / scale, largest over all entries
    mismatch: tuple[int, int, int, float, float] | None  # point, row, col, fd, sym


class Sampler:
    """Draws points for one instance and checks a Jacobian by finite differences."""

    def __init__(self, outputs: Sequence[sympy.Expr], jacobian: sympy.Matrix,
                 wrt: Sequence[sympy.Symbol], others: Sequence[sympy.Symbol],
                 conditions: Sequence[sympy.Basic], extra: Sequence[sympy.Expr],
                 seed: int) -> None:
        self.symbols = [*wrt, *others]
        self.n_wrt = len(wrt)
        guards = guard_expressions([*outputs, *extra])
        regions = [sympy.Piecewise((1, c), (0, True)) for c in conditions]
        bound_finite_differences(self.n_wrt, len(self.symbols),
                                 len(outputs) + len(guards) + len(regions))
        # One compiled function for what is evaluated at the same points (the values,
        # the guards and the region), one for the Jacobian: compiling costs more than
        # evaluating.
        self.sizes = (len(outputs), len(guards), len(regions))
        self.values = compile_function([*outputs, *guards, *regions], self.symbols)
        self.jac = compile_function(list(jacobian), self.symbols)
        self.shape = jacobian.shape
        self.rng = np.random.default_rng(seed)

    def evaluate(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values, guards and region membership (1 or 0) at ``points``, by rows."""
        values = self.values(points)
        outputs, guards, _ = self.sizes
        return (values[:outputs], values[outputs:outputs + guards],
                values[outputs + guards:])

    def candidates(self, scale: float) -> np.ndarray:
        size = (BATCH, len(self.symbols))
        magnitude = self.rng.uniform(LOW * scale, HIGH * scale, size)
        return magnitude * self.rng.choice([-1.0, 1.0], size)

    def steps(self, points: np.ndarray) -> np.ndarray:
        return STEP * np.maximum(1.0, np.abs(points[:, : self.n_wrt]))

    def admissible(self, points: np.ndarray) -> np.ndarray:
        """Mask of candidate points in the region, with finite values, off every guard."""
        outputs, guards, region = self.evaluate(points)
        ok = np.all(region > 0.5, axis=0)
        values = np.vstack([outputs, self.jac(points)])
        ok &= np.all(np.isfinite(values) & (np.abs(values) < HUGE), axis=0)
        ok &= np.all(np.abs(guards) > 1e-9, axis=0)
        return ok

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
        if np.any(np.sign(guards) != centre):
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
            gap = np.abs(fd - sym)
            worst = float(np.max(gap / (magnitude + atol + 1e-300)))
            bad = np.argwhere(gap > atol + rtol * magnitude + 10 * err + roundoff)
            if not len(bad):
                return worst, None
            i, j = bad[0]
            verdict = (worst, (int(i), int(j), float(fd[i, j]), float(sym[i, j])))
        return verdict

    def probes(self, exprs: Sequence[sympy.Expr]) -> np.ndarray:
        """Extra points to compare a claim at: spread over magnitudes from 1e-3 to 1e3,
        and on both sides of every kink of ``exprs``, within the region and the domain.

        A claim SymPy cannot decide might be wrong only near 0, beyond 2, or on one side
        of a kink; these points look there.
        """
        size = (PROBES, len(self.symbols))
        wide = 10 ** self.rng.uniform(-3, 3, size) * self.rng.choice([-1.0, 1.0], size)
        near = [p for g in guard_expressions(exprs) for p in self._around(g)]
        points = np.vstack([wide, *near]) if near else wide
        outputs, _, region = self.evaluate(points)
        ok = np.all(region > 0.5, axis=0)
        values = np.vstack([outputs, self.jac(points)])
        ok &= np.all(np.isfinite(values), axis=0)
        return points[ok]

    def _around(self, guard: sympy.Expr) -> list[np.ndarray]:
        """Points just on either side of ``guard = 0``, solving for one variable in which
        the guard is linear (or, for a guard in one variable, at its real roots)."""
        base = self.candidates(SCALES[0])[:PROBE_BASES]
        found = []
        for symbol in sorted(guard.free_symbols & set(self.symbols), key=str):
            column = self.symbols.index(symbol)
            roots = _roots(guard, symbol, self.symbols, base)
            if roots is None:
                continue
            for offset in (-0.05, -1e-3, 1e-3, 0.05):
                moved = base.copy()
                moved[:, column] = roots + offset * (1 + np.abs(roots))
                found.append(moved[np.isfinite(moved[:, column])])
            break
        return found

    def draw(self, count: int, rtol: float, atol: float) -> Sample:
        """``count`` usable points, with the finite-difference check at each."""
        accepted: list[np.ndarray] = []
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
                    return Sample(self.symbols, np.array(accepted), worst, mismatch)
        if not admissible_seen:
            tried = _("tried {count} points with |coordinates| from {low} to {high}").format(
                count=BATCH * MAX_BATCHES, low=LOW, high=f"{HIGH * SCALES[-1]:g}")
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


def _roots(guard: sympy.Expr, symbol: sympy.Symbol, symbols: Sequence[sympy.Symbol],
           base: np.ndarray) -> np.ndarray | None:
    """Values of ``symbol`` where ``guard`` vanishes, the other symbols as in ``base``."""
    slope = sympy.diff(guard, symbol)
    if not slope.has(symbol):
        root = -guard.subs(symbol, 0) / slope
        values = compile_function([root], symbols)(base)[0]
        return values
    if guard.free_symbols == {symbol} and guard.is_polynomial(symbol):
        try:
            real = [float(r) for r in sympy.Poly(guard, symbol).real_roots()[:PROBE_BASES]]
        except (sympy.PolynomialError, NotImplementedError, ValueError):
            return None
        if real:
            return np.resize(np.array(real), len(base))
    return None


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


def format_point(symbols: Sequence[sympy.Symbol], point: np.ndarray) -> str:
    """``x=0.83, y=-1.21``: a sample point as a message shows it."""
    return ", ".join(f"{s}={v:.3g}" for s, v in zip(symbols, point))

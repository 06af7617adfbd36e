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

from .errors import DomainError

CON = 1.4           # step shrink factor of Ridders' tableau
NTAB = 10           # tableau size (steps h0 ... h0 / CON**9)
SAFE = 2.0          # stop extrapolating once the error grows by this factor
BATCH = 512         # candidate points drawn at a time
MAX_BATCHES = 16    # then give up: the region is (nearly) empty
LOW, HIGH = 0.2, 2.0  # coordinates are drawn with |value| in [LOW, HIGH] * scale
SCALES = (1.0, 10.0, 100.0)  # wider ranges, tried only while no point is admissible
PROBE_BATCHES = 4   # batches at one scale before a wider one is tried
STEP = 0.05         # initial relative step h0 (times max(1, |x|))
HUGE = 1e12         # values beyond this count as "near a singularity"
UNRELIABLE = 1e-4   # error estimates above this (relative) mean: pick another point


def compile_function(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]
                     ) -> Callable[[np.ndarray], np.ndarray]:
    """A NumPy function of points ``(batch, len(symbols))`` giving ``(len(exprs), batch)``.

    SymPy's ``lambdify`` prints our own SymPy objects (built from the whitelisted tree;
    never document text) to NumPy code; ``dummify`` replaces every symbol name with a
    generated one, so not even the names of the document reach that code.
    """
    try:
        fn = sympy.lambdify([list(symbols)], list(exprs), modules="numpy", dummify=True)
    except (KeyError, NameError, TypeError, SyntaxError) as err:
        raise DomainError(f"cannot be evaluated numerically ({type(err).__name__})") from None

    def run(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            columns = fn(points.T)
            return np.array([np.broadcast_to(np.asarray(c, dtype=float), points.shape[:1])
                             for c in columns]).reshape(len(exprs), points.shape[0])
    return run


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
        self.f = compile_function(outputs, self.symbols)
        self.jac = compile_function(list(jacobian), self.symbols)
        self.shape = jacobian.shape
        self.conditions = [compile_function([sympy.Piecewise((1, c), (0, True))],
                                            self.symbols) for c in conditions]
        guards = guard_expressions([*outputs, *extra])
        self.guards = compile_function(guards, self.symbols) if guards else None
        self.rng = np.random.default_rng(seed)

    def candidates(self, scale: float) -> np.ndarray:
        size = (BATCH, len(self.symbols))
        magnitude = self.rng.uniform(LOW * scale, HIGH * scale, size)
        return magnitude * self.rng.choice([-1.0, 1.0], size)

    def steps(self, points: np.ndarray) -> np.ndarray:
        return STEP * np.maximum(1.0, np.abs(points[:, : self.n_wrt]))

    def admissible(self, points: np.ndarray) -> np.ndarray:
        """Mask of candidate points that lie in the region and off every guard."""
        ok = np.ones(len(points), dtype=bool)
        for condition in self.conditions:
            ok &= condition(points)[0] > 0.5
        values = np.vstack([self.f(points), self.jac(points)])
        ok &= np.all(np.isfinite(values) & (np.abs(values) < HUGE), axis=0)
        centre = self.guards(points) if self.guards else None
        if centre is not None:
            ok &= np.all(np.abs(centre) > 1e-9, axis=0)
        steps = self.steps(points)
        for j in range(self.n_wrt):
            for sign in (-1.0, 1.0):
                moved = points.copy()
                moved[:, j] += sign * steps[:, j]
                ok &= np.all(np.isfinite(self.f(moved)), axis=0)
                if self.guards:
                    ok &= np.all(np.sign(self.guards(moved)) == np.sign(centre), axis=0)
        return ok

    def ridders(self, point: np.ndarray, shrink_first: float = 1.0
                ) -> tuple[np.ndarray, np.ndarray, float]:
        """Jacobian estimate, its error estimate and the roundoff scale at ``point``."""
        h0 = self.steps(point[None, :])[0] * shrink_first
        shrink = CON ** -np.arange(NTAB)
        h = h0[None, :] * shrink[:, None]                        # (NTAB, n_wrt)
        plus = np.repeat(point[None, None, :], NTAB, 0).repeat(self.n_wrt, 1)
        minus = plus.copy()
        idx = np.arange(self.n_wrt)
        plus[:, idx, idx] += h
        minus[:, idx, idx] -= h
        flat = np.concatenate([plus.reshape(-1, len(point)), minus.reshape(-1, len(point))])
        values = self.f(flat)                                    # (m, 2 * NTAB * n)
        half = values.shape[1] // 2
        fp = values[:, :half].reshape(-1, NTAB, self.n_wrt)
        fm = values[:, half:].reshape(-1, NTAB, self.n_wrt)
        diffs = (fp - fm) / (2 * h[None, :, :])                  # (m, NTAB, n)
        estimate, error = _extrapolate(diffs)
        roundoff = 100 * np.finfo(float).eps * np.max(np.abs(values)) / h.min()
        return estimate, error, roundoff

    def draw(self, count: int, rtol: float, atol: float) -> Sample:
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
                sym = self.jac(point[None, :])[:, 0].reshape(self.shape)
                # Rapidly varying functions need smaller first steps; each try stays
                # inside the stencil whose guards were checked.
                for shrink_first in (1.0, 0.1, 0.01):
                    fd, err, roundoff = self.ridders(point, shrink_first)
                    scale = np.maximum(np.abs(sym), np.abs(fd))
                    if not np.any(err > UNRELIABLE * (1 + scale)):
                        break
                else:
                    continue  # too curved or too noisy here to judge: take another point
                tolerance = atol + rtol * scale + 10 * err + roundoff
                gap = np.abs(fd - sym)
                worst = max(worst, float(np.max(gap / (scale + atol + 1e-300))))
                bad = np.argwhere(gap > tolerance)
                if len(bad) and mismatch is None:
                    i, j = bad[0]
                    mismatch = (len(accepted), int(i), int(j), float(fd[i, j]),
                                float(sym[i, j]))
                accepted.append(point)
                if len(accepted) == count:
                    return Sample(self.symbols, np.array(accepted), worst, mismatch)
        if not admissible_seen:
            tried = (f"tried {BATCH * MAX_BATCHES} points with |coordinates| from "
                     f"{LOW} to {HIGH * SCALES[-1]:g}")
            if self.conditions:
                raise DomainError(f"no sample point satisfies :where: with finite values "
                                  f"of the function ({tried}); check the conditions",
                                  option="where")
            raise DomainError(f"the function has no finite real value at any sample point "
                              f"({tried}); check its domain, or narrow it with :where:")
        raise DomainError(f"only {len(accepted)} of {count} sample points were usable: the "
                          "function is not smooth or not finite at most points tried")


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
        previous = row
    return best, error


def resolve_sampled_steps(expr: sympy.Basic, symbols: Sequence[sympy.Symbol],
                          points: np.ndarray) -> sympy.Basic:
    """Replace step functions whose argument keeps one sign at all ``points``.

    For display only (what a reader sees of a derivative on a sampled region); checks
    use the sound :func:`~.compare.resolve_steps`, which relies on the conditions.
    """
    replace = {}
    for step in expr.atoms(sympy.Heaviside):
        fn = sympy.lambdify([list(symbols)], step.args[0], "numpy", dummify=True)
        with np.errstate(all="ignore"):
            values = np.array([fn(p) for p in points], dtype=float)
        if np.all(values > 0):
            replace[step] = sympy.Integer(1)
        elif np.all(values < 0):
            replace[step] = sympy.Integer(0)
    return expr.xreplace(replace) if replace else expr


def format_point(symbols: Sequence[sympy.Symbol], point: np.ndarray) -> str:
    """``x=0.83, y=-1.21``: a sample point as a message shows it."""
    return ", ".join(f"{s}={v:.3g}" for s, v in zip(symbols, point))

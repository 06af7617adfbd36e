"""The helper a peer's pages import: the SymPy and NumPy check an author would write.

The benchmark's peers (``benchmarks/peers.py``) are the same pages checked without
sphinx-vcr: a doctest block or a notebook cell per directive, calling these functions.
They do the work the directive does, the way a careful author would with SymPy alone:
differentiate (``jacobian``), compare the claim with the derivative (exactly where
their difference expands to zero, else at the sample points), and check
the derivative against finite differences in NumPy (Ridders' method: central
differences at shrinking steps extrapolated to step zero, with an error estimate, as the
directive estimates them), at points drawn inside the ``:where:`` region as the
directive draws them (each coordinate at least 0.2 from zero, at most 2). It imports
nothing from sphinx-vcr: this file is copied into each peer project, as an author's own
helper module would sit there.
"""

from __future__ import annotations

import numpy as np
import sympy

#: Sample points per case, as many as the directive's default ``vcr_samples``.
POINTS = 5
#: Tolerances of the comparisons (the directive's defaults ``vcr_rtol``, ``vcr_atol``).
RTOL, ATOL = 1e-6, 1e-9


def derivative_holds(f: list, wrt: list, params: list, claim, where: list,
                     hessian: bool = False, seed: int = 0) -> bool:
    """Whether ``claim`` is the derivative of ``f`` by ``wrt`` (numerator layout, the
    flat Jacobian of the entries of ``f``), after checking that derivative by finite
    differences at points inside ``where``."""
    outputs = sympy.Matrix(f)
    derivative = outputs.jacobian(wrt)
    symbols = [*wrt, *params]
    points = sample(symbols, [*outputs, *derivative], where, seed)
    if not finite_differences_agree(outputs, derivative, symbols, len(wrt), points):
        return False
    if hessian:  # the claim is the Hessian: the Jacobian of the gradient
        derivative = derivative.jacobian(wrt)
    return claim is None or same(derivative, claim, symbols, points)


def steps_hold(pairs: list, symbols: list, where: list, seed: int = 0) -> bool:
    """Whether every step of a derivation equals the form before it: ``pairs`` holds
    each step with that form, as read under the step's assumptions."""
    first = [e for e in pairs[0][0]] if pairs else []
    points = sample(symbols, first, where, seed)
    return all(same(before, after, symbols, points) for before, after in pairs)


def same(a, b, symbols: list, points: list) -> bool:
    """Exactly where the difference expands to zero, else at the points (as the
    directive decides). Not ``simplify``: on the chapter's abstract-function stand-ins
    and ReLU forms it took over 20 s a directive (see benchmarks/README.md)."""
    a, b = sympy.Matrix(a), sympy.Matrix(b)
    if a.shape != b.shape:
        return False
    difference = (a - b).applyfunc(sympy.expand)
    if all(entry == 0 for entry in difference):
        return True
    if any(entry.is_number for entry in difference if entry != 0):
        return False  # a nonzero constant: wrong, however small
    if not points:
        return False
    value = sympy.lambdify(symbols, difference, "numpy")
    scale = sympy.lambdify(symbols, a, "numpy")
    for point in points:
        gap = np.abs(np.asarray(value(*point), dtype=float))
        size = np.abs(np.asarray(scale(*point), dtype=float))
        if not np.all(gap <= ATOL + RTOL * size):
            return False
    return True


def sample(symbols: list, exprs: list, where: list, seed: int) -> list[tuple]:
    """``POINTS`` points where ``where`` holds and ``exprs`` are finite, each coordinate
    of magnitude in [0.2, 2] with either sign (as the directive draws them: a point
    near zero would put a stencil across the pole of ``log(x**2)``)."""
    rng = np.random.default_rng(seed)
    condition = sympy.lambdify(symbols, sympy.And(*where), "numpy") if where else None
    values = sympy.lambdify(symbols, exprs, "numpy")
    points: list[tuple] = []
    for _try in range(400):
        if len(points) == POINTS:
            break
        point = tuple(rng.uniform(0.2, 2, len(symbols))
                      * rng.choice([-1.0, 1.0], len(symbols)))
        with np.errstate(all="ignore"):
            try:
                if condition is not None and not bool(condition(*point)):
                    continue
                found = np.asarray(values(*point), dtype=complex)
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
        if np.all(np.isfinite(found)) and np.all(np.abs(found.imag) < 1e-12):
            points.append(point)
    return points


#: Ridders' method as the directive runs it: steps shrink by CON, NTAB of them, stop
#: once the error grows by SAFE; the first step is STEP * max(1, |x|), times each of
#: SHRINKS in turn while no step gives a reliable estimate that agrees (sin(97*x**2)
#: needs small steps; a wrong derivative disagrees at every step).
CON, NTAB, SAFE, STEP = 1.4, 10, 2.0, 0.05
SHRINKS = (1.0, 0.1, 0.01, 1e-3, 1e-4, 1e-5, 1e-6)
#: An estimate counts only if its error is below this (relative) part of the value.
RELIABLE = 1e-4


def finite_differences_agree(outputs, derivative, symbols: list, count: int,
                             points: list) -> bool:
    """Whether ``derivative`` agrees with Ridders' estimate by each of the first
    ``count`` symbols at every point where some step gives a reliable estimate (False
    if there is no such point: nothing was checked)."""
    function = sympy.lambdify(symbols, list(outputs), "numpy")
    exact = sympy.lambdify(symbols, derivative, "numpy")
    checked = 0
    for point in points:
        with np.errstate(all="ignore"):
            want = np.asarray(exact(*point), dtype=float).reshape(derivative.shape)
            verdicts = [_agrees(function, point, j, want[:, j]) for j in range(count)]
        if False in verdicts:
            return False
        checked += None not in verdicts
    return checked > 0


def _agrees(function, point: tuple, j: int, want: np.ndarray) -> bool | None:
    """Ridders' estimate by argument ``j`` against ``want``: True at the first first
    step whose reliable estimate agrees, False if reliable ones all disagree, None if
    none is reliable (a stencil across a kink or a pole, or values not finite)."""
    disagreed = False
    for shrink in SHRINKS:
        estimate, error = _ridders(function, point, j,
                                   STEP * max(1.0, abs(point[j])) * shrink)
        magnitude = np.maximum(np.abs(want), np.abs(estimate))
        if not (np.all(np.isfinite(estimate))
                and np.all(error <= RELIABLE * (1 + magnitude))):
            continue
        if np.all(np.abs(estimate - want) <= ATOL + RTOL * magnitude + 10 * error):
            return True
        disagreed = True
    return False if disagreed else None


def _ridders(function, point: tuple, j: int, h: float) -> tuple[np.ndarray, np.ndarray]:
    """Ridders' extrapolation of central differences by argument ``j`` from the step
    ``h`` down: the best estimate of each output's derivative, and its error."""
    previous = [_central(function, point, j, h)]
    best, error = previous[0], np.full(previous[0].shape, np.inf)
    for i in range(1, NTAB):
        h /= CON
        row = [_central(function, point, j, h)]
        factor = CON * CON
        for k in range(1, i + 1):
            row.append((row[k - 1] * factor - previous[k - 1]) / (factor - 1))
            factor *= CON * CON
            err = np.maximum(np.abs(row[k] - row[k - 1]), np.abs(row[k] - previous[k - 1]))
            better = err <= error
            best, error = np.where(better, row[k], best), np.where(better, err, error)
        if np.all(np.abs(row[i] - previous[i - 1]) >= SAFE * error):
            break  # higher orders only add rounding
        previous = row
    return best, error


def _central(function, point: tuple, j: int, h: float) -> np.ndarray:
    """The central difference of ``function`` at ``point`` by its ``j``-th argument."""
    up, down = list(point), list(point)
    up[j] += h
    down[j] -= h
    return (np.asarray(function(*up), dtype=float).ravel()
            - np.asarray(function(*down), dtype=float).ravel()) / (2 * h)

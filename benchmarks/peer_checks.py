"""The helper a peer's pages import: the SymPy and NumPy check an author would write.

The benchmark's peers (``benchmarks/peers.py``) are the same pages checked without
sphinx-vcr: a doctest block or a notebook cell per directive, calling these functions.
They do the work the directive does, the way a careful author would with SymPy alone:
differentiate (``jacobian``), compare the claim with the derivative (exactly where
their difference expands to zero, else at the sample points), and check
the derivative against central differences with Richardson extrapolation in NumPy, at
points drawn inside the ``:where:`` region. It imports nothing from sphinx-vcr: this
file is copied into each peer project, as an author's own helper module would sit there.
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
    """``POINTS`` points in [-2, 2] where ``where`` holds and ``exprs`` are finite."""
    rng = np.random.default_rng(seed)
    condition = sympy.lambdify(symbols, sympy.And(*where), "numpy") if where else None
    values = sympy.lambdify(symbols, exprs, "numpy")
    points: list[tuple] = []
    for _try in range(400):
        if len(points) == POINTS:
            break
        point = tuple(rng.uniform(-2, 2, len(symbols)))
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


def finite_differences_agree(outputs, derivative, symbols: list, count: int,
                             points: list, step: float = 1e-3) -> bool:
    """Central differences with one Richardson step against ``derivative``'s values,
    by the first ``count`` symbols, at every point."""
    if not points:
        return False
    function = sympy.lambdify(symbols, list(outputs), "numpy")
    exact = sympy.lambdify(symbols, derivative, "numpy")
    for point in points:
        want = np.asarray(exact(*point), dtype=float).reshape(derivative.shape)
        for j in range(count):
            estimate = (4 * _central(function, point, j, step / 2)
                        - _central(function, point, j, step)) / 3
            if not np.all(np.abs(estimate - want[:, j]) <= 1e-5 * (1 + np.abs(want[:, j]))):
                return False
    return True


def _central(function, point: tuple, j: int, h: float) -> np.ndarray:
    """The central difference of ``function`` at ``point`` by its ``j``-th argument."""
    up, down = list(point), list(point)
    up[j] += h
    down[j] -= h
    return (np.asarray(function(*up), dtype=float).ravel()
            - np.asarray(function(*down), dtype=float).ravel()) / (2 * h)

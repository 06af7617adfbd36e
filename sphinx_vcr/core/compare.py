"""Compare a claimed derivative with the computed one: at points first, then exactly.

Every entry of the difference is first evaluated at the sample points in 40-digit
arithmetic, where any real difference stands far above the rounding: a claim off by
``1e-9`` is wrong, not "close enough". Only a claim that agrees at every point is then
proved equal exactly, by SymPy's simplification, which decides whether the badge says
"symbolically" or "numerically". Wrong claims thus never pay for simplification.

Step functions whose sign a ``:where:`` condition fixes (``Heaviside(z)`` under
``z > 0``) are resolved first, so a derivative on one branch of a ReLU is exact too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy

DIGITS = 40
TOLERANCE = mpmath.mpf("1e-25")   # relative, far above 40-digit rounding
MAX_SIMPLIFY_OPS = 400            # larger differences are left to the points


@dataclass
class Difference:
    """The first entry where the claim and the derivative differ."""

    row: int
    col: int
    claim: sympy.Expr
    actual: sympy.Expr
    point: int  # index of the sample point where they differ


@dataclass
class Comparison:
    """``equal`` is True, or ``difference`` says where the claim is wrong."""

    equal: bool
    exact: bool
    difference: Difference | None = None


def positive_by_conditions(conditions: Sequence[sympy.Basic]) -> set[sympy.Expr]:
    """Expressions that the conditions make strictly positive (``a > b``: ``a - b``)."""
    positive: set[sympy.Expr] = set()
    for condition in conditions:
        if isinstance(condition, sympy.And):
            positive |= positive_by_conditions(condition.args)
        elif isinstance(condition, sympy.StrictGreaterThan):
            positive.add(sympy.expand(condition.lhs - condition.rhs))
        elif isinstance(condition, sympy.StrictLessThan):
            positive.add(sympy.expand(condition.rhs - condition.lhs))
    return positive


def resolve_steps(expr: sympy.Basic, conditions: Sequence[sympy.Basic]) -> sympy.Basic:
    """Replace step and sign functions whose argument's sign the conditions fix.

    Sound: only an argument that *is* (up to expansion) a strictly positive or negative
    side of a condition is resolved, so the result equals ``expr`` on the whole region.
    """
    positive = positive_by_conditions(conditions)
    if not positive:
        return expr
    replace = {}
    for node in expr.atoms(sympy.Heaviside, sympy.sign):
        argument = sympy.expand(node.args[0])
        if argument in positive:
            replace[node] = sympy.Integer(1)
        elif sympy.expand(-argument) in positive:
            replace[node] = sympy.Integer(0 if isinstance(node, sympy.Heaviside) else -1)
    return expr.xreplace(replace) if replace else expr


def exactly_zero(expr: sympy.Expr) -> bool | None:
    """True if ``expr`` is identically zero, False if it is a non-zero number, else None."""
    if expr == 0:
        return True
    for simplify in (sympy.expand, sympy.cancel, _trig_and_exp, sympy.simplify):
        if simplify is sympy.simplify and sympy.count_ops(expr) > MAX_SIMPLIFY_OPS:
            return None
        try:
            reduced = simplify(expr)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
        if reduced == 0:
            return True
        if reduced.is_number:
            return False if reduced.is_zero is False else None
    return None


def _trig_and_exp(expr: sympy.Expr) -> sympy.Expr:
    return sympy.cancel(sympy.powsimp(sympy.trigsimp(sympy.expand(expr))))


def values_at(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
              points: np.ndarray) -> list[list[mpmath.mpc | mpmath.mpf | None]]:
    """``exprs`` at each point in 40-digit arithmetic (None where not a number)."""
    fn = sympy.lambdify([list(symbols)], list(exprs), modules="mpmath", dummify=True)
    rows = []
    with mpmath.workdps(DIGITS):
        for point in points:
            try:
                values = fn([mpmath.mpf(float(v)) for v in point])
            except (ValueError, ZeroDivisionError, TypeError, NameError, OverflowError):
                values = [None] * len(exprs)
            rows.append([v if isinstance(v, mpmath.mpf | mpmath.mpc | int | float)
                         else None for v in values])
    return rows


def compare(claim: sympy.Matrix, actual: sympy.Matrix, symbols: Sequence[sympy.Symbol],
            points: np.ndarray) -> Comparison:
    """Compare two matrices of one shape at ``points``, then exactly where they agree."""
    cells = [(i, j) for i in range(claim.rows) for j in range(claim.cols)
             if sympy.expand(claim[i, j] - actual[i, j]) != 0]
    if not cells:
        return Comparison(True, True)
    exprs = [e for i, j in cells for e in (claim[i, j], actual[i, j])]
    for index, row in enumerate(values_at(exprs, symbols, points)):
        for k, (i, j) in enumerate(cells):
            c, a = row[2 * k], row[2 * k + 1]
            # A value that is not a number is a difference too: only agreement proven
            # at the point may pass.
            if c is None or a is None or abs(c - a) > TOLERANCE * max(1, abs(a), abs(c)):
                return Comparison(False, False, Difference(
                    i, j, claim[i, j], actual[i, j], index))
    exact = all(exactly_zero(claim[i, j] - actual[i, j]) for i, j in cells)
    return Comparison(True, exact)


def evaluate_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                point: np.ndarray) -> complex:
    """The value of ``expr`` at ``point`` (nan where it has none)."""
    value = values_at([expr], symbols, point[None, :])[0][0]
    return complex(value) if value is not None else complex("nan")

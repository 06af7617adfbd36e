"""Compare a claimed derivative with the computed one: exactly, else at points.

Exact first: an entry whose difference SymPy reduces to zero is equal; one whose
difference is a non-zero number is wrong, however small (a claim off by 1e-9 is wrong,
not "close enough"). What SymPy cannot decide, typically because a ``:where:`` region
makes a step function 1, is compared at the sample points in 40-digit arithmetic, where
any real difference stands far above the rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

DIGITS = 40
NUMERIC_RTOL = sympy.Float("1e-25", DIGITS)


@dataclass
class Difference:
    """The first entry where the claim and the derivative differ."""

    row: int
    col: int
    claim: sympy.Expr
    actual: sympy.Expr
    point: int | None = None          # index of the sample point, None: exact
    claim_value: complex | None = None
    actual_value: complex | None = None


@dataclass
class Comparison:
    """``equal`` is True, or ``difference`` says where the claim is wrong."""

    equal: bool
    exact: bool
    difference: Difference | None = None


def exactly_zero(expr: sympy.Expr) -> bool | None:
    """True if ``expr`` is identically zero, False if it is a non-zero number, else None."""
    if expr == 0:
        return True
    for simplify in (sympy.expand, sympy.cancel, _trig_and_exp, sympy.simplify):
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


def compare(claim: sympy.Matrix, actual: sympy.Matrix, symbols: Sequence[sympy.Symbol],
            points: np.ndarray) -> Comparison:
    """Compare two matrices of one shape: exactly where decidable, else at ``points``."""
    undecided = []
    for i in range(claim.rows):
        for j in range(claim.cols):
            verdict = exactly_zero(claim[i, j] - actual[i, j])
            if verdict is False:
                return Comparison(False, True, Difference(i, j, claim[i, j], actual[i, j]))
            if verdict is None:
                undecided.append((i, j))
    if not undecided:
        return Comparison(True, True)
    for index, point in enumerate(points):
        subs = {s: sympy.Float(repr(float(v)), DIGITS) for s, v in zip(symbols, point)}
        for i, j in undecided:
            c = sympy.N(claim[i, j], DIGITS, subs=subs)
            a = sympy.N(actual[i, j], DIGITS, subs=subs)
            # A value that is not a number (an unsampled symbol) is a difference too:
            # only agreement proven at the point may pass.
            if not (c.is_number and a.is_number) \
                    or abs(c - a) > NUMERIC_RTOL * max(1, abs(a), abs(c)):
                return Comparison(False, False, Difference(
                    i, j, claim[i, j], actual[i, j], index, complex(c), complex(a)))
    return Comparison(True, False)


def evaluate_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                point: np.ndarray) -> complex:
    """The value of ``expr`` at ``point``."""
    subs = {s: sympy.Float(repr(float(v)), DIGITS) for s, v in zip(symbols, point)}
    return complex(sympy.N(expr, DIGITS, subs=subs))

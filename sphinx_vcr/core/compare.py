"""Compare a claimed derivative with the computed one: at points, exactly, then widely.

1. Every entry of the difference is evaluated at the sample points in 50-digit
   arithmetic, where any real difference stands far above the rounding. Most wrong
   claims stop here, without paying for simplification.
2. SymPy then tries to reduce each remaining difference: to zero (equal), or to a
   non-zero number (wrong, however small: a claim off by ``1e-30`` is wrong, not "close
   enough").
3. What SymPy cannot decide (a claim written with ``where()``, say) is compared at many
   more points: spread over six orders of magnitude, and on both sides of every kink of
   the claim and the derivative, so a claim wrong on part of the domain is caught.

Step functions whose sign a ``:where:`` condition fixes (``Heaviside(z)`` under
``z > 0``) are resolved first, so a derivative on one branch of a ReLU is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy
from sympy.printing.pycode import MpmathPrinter

from .limits import soft_limit
from .numeric import code_printer

DIGITS = 50
TOLERANCE = mpmath.mpf("1e-40")   # relative: far above 50-digit rounding, and far below
                                  # any difference a claim could mean
MAX_SIMPLIFY_OPS = 150            # larger differences are left to the points
EXACT_SECONDS = 1.0               # of exact simplification per comparison
MAX_EXPANDED_TERMS = 400          # a difference that would expand into more terms than
                                  # this (a power of a sum) is left to the points


@dataclass
class Difference:
    """The first entry where the claim and the derivative differ, and a point where."""

    row: int
    col: int
    claim: sympy.Expr
    actual: sympy.Expr
    point: np.ndarray


@dataclass
class Comparison:
    """``equal`` is True, or ``difference`` says where the claim is wrong."""

    equal: bool
    exact: bool
    difference: Difference | None = None
    #: The claim agreed at the sample points and failed only at the wider probes: it
    #: holds on part of the domain.
    partial: bool = False


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


def resolve_steps(expr: sympy.Basic, conditions: Sequence[sympy.Basic],
                  substitution: dict[sympy.Symbol, sympy.Expr] | None = None) -> sympy.Basic:
    """Resolve the kinks whose side the conditions fix: step and sign functions,
    ``abs``, and two-argument ``max``/``min`` (``max(0, z)`` is ``z`` under ``z > 0``).

    Sound: only an argument that *is* (up to expansion) a strictly positive or negative
    side of a condition is resolved, so the result equals ``expr`` on the whole region.
    ``substitution`` expresses chain-rule intermediates (``z``) in the variables.
    """
    positive = positive_by_conditions(conditions)
    if not positive:
        return expr

    def sign_of(argument: sympy.Expr) -> int:
        argument = sympy.expand(argument.xreplace(substitution or {}))
        return 1 if argument in positive else -1 if sympy.expand(-argument) in positive else 0

    replace: dict[sympy.Basic, sympy.Basic] = {}
    for node in expr.atoms(sympy.Heaviside, sympy.sign, sympy.Abs, sympy.Max, sympy.Min):
        if isinstance(node, sympy.Max | sympy.Min):
            if len(node.args) != 2:
                continue
            first, second = node.args
            side = sign_of(first - second)
            if side:
                larger, smaller = (first, second) if side > 0 else (second, first)
                replace[node] = larger if isinstance(node, sympy.Max) else smaller
            continue
        side = sign_of(node.args[0])
        if not side:
            continue
        if isinstance(node, sympy.Heaviside):
            replace[node] = sympy.Integer(1 if side > 0 else 0)
        elif isinstance(node, sympy.sign):
            replace[node] = sympy.Integer(side)
        else:
            replace[node] = side * node.args[0]
    # Nested kinks are resolved from the inside out, one level at a time.
    resolved = expr.xreplace(replace) if replace else expr
    return resolve_steps(resolved, conditions, substitution) if replace else resolved


def exactly_zero(expr: sympy.Expr) -> bool | None:
    """True if ``expr`` is identically zero, False if it is certainly not (a non-zero
    number, a non-zero rational function, whose cancelled form is canonical, or an
    expression SymPy knows is never zero), else None (for the points to decide).

    Every stage is bounded by the size of what it works on: a true claim must never
    run out of time here (``(sin(x)**2 + cos(x)**2)**30`` against ``1``); what is too
    large to decide cheaply goes to the points.
    """
    if expr == 0:
        return True
    expanded = cheap_expand(expr)
    if expanded is None:
        return None
    if expanded == 0:
        return True
    if sympy.count_ops(expanded) > MAX_SIMPLIFY_OPS:
        return None
    if expr.is_rational_function():
        return sympy.cancel(expanded) == 0
    # SymPy cannot decide piecewise expressions against each other (a where() claim
    # against a step function), and tries for seconds: leave them to the points.
    if expr.has(*_PIECEWISE):
        return _nonzero_verdict(expanded)
    for simplify in (sympy.cancel, _trig_and_exp, sympy.simplify):
        try:
            reduced = simplify(expanded)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
        if reduced == 0:
            return True
        verdict = _nonzero_verdict(reduced)
        if verdict is not None or reduced.is_number:
            return verdict
    return None


def _nonzero_verdict(reduced: sympy.Expr) -> bool | None:
    # False: non-zero for every (real) value of its symbols.
    return False if reduced.is_zero is False else None


def cheap_expand(expr: sympy.Expr) -> sympy.Expr | None:
    """``sympy.expand(expr)``, or None where the expansion would be large."""
    if _expanded_terms(expr) > MAX_EXPANDED_TERMS:
        return None
    return sympy.expand(expr)


def _expanded_terms(expr: sympy.Basic) -> int:
    """An upper estimate of the number of terms of ``expr`` expanded (it stays cheap:
    one pass over the tree, capped)."""
    if isinstance(expr, sympy.Add):
        return min(sum(_expanded_terms(a) for a in expr.args), MAX_EXPANDED_TERMS + 1)
    if isinstance(expr, sympy.Mul):
        total = 1
        for factor in expr.args:
            total = min(total * _expanded_terms(factor), MAX_EXPANDED_TERMS + 1)
        return total
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and abs(expr.exp) > 1:
        terms = _expanded_terms(expr.base)
        if terms == 1:
            return 1
        # the multinomial (a_1 + ... + a_k)**n has C(n + k - 1, k - 1) terms
        return min(math.comb(abs(int(expr.exp)) + terms - 1, terms - 1),
                   MAX_EXPANDED_TERMS + 1)
    if expr.args:  # functions are expanded inside too
        return max(1, min(sum(_expanded_terms(a) for a in expr.args),
                          MAX_EXPANDED_TERMS + 1))
    return 1


_PIECEWISE = (sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min,
              sympy.Abs)


def _trig_and_exp(expr: sympy.Expr) -> sympy.Expr:
    return sympy.cancel(sympy.powsimp(sympy.trigsimp(sympy.expand(expr))))


def values_at(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
              points: np.ndarray) -> list[list[mpmath.mpc | mpmath.mpf | None]]:
    """``exprs`` at each point in 50-digit arithmetic (None where not a number)."""
    fn = sympy.lambdify([list(symbols)], list(exprs), modules="mpmath",
                        printer=code_printer(MpmathPrinter))
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
            points: np.ndarray, probes: Callable[[], np.ndarray] | None = None,
            prove: bool = True) -> Comparison:
    """Compare two matrices of one shape (see the module docstring for the stages).

    ``probes`` gives the extra points of stage 3, inside the region and the domain.
    Without ``prove``, only stage 1 runs: enough where agreement is a theorem and a
    difference could only be a bug (a chain rule against the composition).
    """
    cells = [(i, j) for i in range(claim.rows) for j in range(claim.cols)
             if cheap_expand(claim[i, j] - actual[i, j]) != 0]
    if not cells:
        return Comparison(True, True)
    found = _differ_at(claim, actual, cells, symbols, points)
    if found:
        return Comparison(False, False, found)
    if not prove:
        return Comparison(True, False)
    verdicts: dict[tuple[int, int], bool | None] = dict.fromkeys(cells)
    # Exact simplification can take seconds on a true identity; the points decide
    # whatever it has not settled within its budget, so a true claim never times out.
    with soft_limit(EXACT_SECONDS):
        for cell in cells:
            verdicts[cell] = exactly_zero(claim[cell] - actual[cell])
    wrong = [cell for cell, verdict in verdicts.items() if verdict is False]
    if wrong:
        i, j = wrong[0]
        return Comparison(False, True, Difference(i, j, claim[i, j], actual[i, j],
                                                  points[0]))
    undecided = [cell for cell, verdict in verdicts.items() if verdict is None]
    if not undecided:
        return Comparison(True, True)
    if probes is not None:
        found = _differ_at(claim, actual, undecided, symbols, probes())
        if found:
            return Comparison(False, False, found, partial=True)
    return Comparison(True, False)


def _differ_at(claim: sympy.Matrix, actual: sympy.Matrix, cells: list[tuple[int, int]],
               symbols: Sequence[sympy.Symbol], points: np.ndarray) -> Difference | None:
    """The first cell and point where claim and derivative differ in 50 digits."""
    if not len(points):
        return None
    exprs = [e for cell in cells for e in (claim[cell], actual[cell])]
    for point, row in zip(points, values_at(exprs, symbols, points)):
        for k, (i, j) in enumerate(cells):
            # A value that is not a number is a difference too: only agreement proven
            # at the point may pass.
            if not agree(row[2 * k], row[2 * k + 1]):
                return Difference(i, j, claim[i, j], actual[i, j], point)
    return None


def agree(x: object, y: object, tolerance: mpmath.mpf = TOLERANCE) -> bool:
    """Whether two values are equal to ``tolerance``, relative (and absolute below 1).

    The arithmetic runs at the full working precision: outside it, mpmath would round
    the difference to double precision and hide all that the 50 digits were for.
    """
    if x is None or y is None:
        return False
    with mpmath.workdps(DIGITS):
        return bool(abs(x - y) <= tolerance * max(1, abs(x), abs(y)))


def evaluate_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                point: np.ndarray) -> mpmath.mpc:
    """The value of ``expr`` at ``point``, to 50 digits (nan where it has none)."""
    value = values_at([expr], symbols, point[None, :])[0][0]
    return mpmath.mpmathify(value) if value is not None else mpmath.mpf("nan")

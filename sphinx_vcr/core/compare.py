"""Compare a claimed derivative with the computed one: at points, exactly, then widely.

1. Every entry of the difference is evaluated at the sample points in 50-digit
   arithmetic, where any real difference stands far above the rounding. Most wrong
   claims stop here, without paying for simplification.
2. SymPy then tries to reduce each remaining difference: to zero (equal), or to a
   non-zero number (wrong, however small: a claim off by ``1e-30`` is wrong, not "close
   enough"). Cheap certain checks run for every entry first; simplification has a time
   budget per entry.
3. What SymPy has not decided (a claim written with ``where()``, an identity too large
   to simplify in time) is compared in 150-digit arithmetic at the sample points and at
   many more (:mod:`.regions`): one in every interval between the boundaries of the
   pieces of the claim and the derivative, along lines through the sample points, and
   points from magnitude ``1e-8`` to ``1e3``, so a claim wrong on part of the domain, or
   by a tiny constant, is caught whether or not simplification finished.

Step functions whose sign a ``:where:`` condition fixes (``Heaviside(z)`` under
``z > 0``) are resolved first, so a derivative on one branch of a ReLU is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy
from sympy.printing.pycode import MpmathPrinter

from .limits import soft_limit
from .numeric import Probes, code_printer

DIGITS = 50
TOLERANCE = mpmath.mpf("1e-40")   # relative: far above 50-digit rounding, and far below
                                  # any difference a claim could mean
#: Entries that exact simplification leaves undecided are compared again with these:
#: a claim off by a constant far below the 50-digit tolerance (``+ 10**-45``), which
#: only simplification would otherwise catch, and only if it finishes in time.
FINE_DIGITS = 150
FINE_TOLERANCE = mpmath.mpf("1e-140")
MAX_SIMPLIFY_OPS = 150            # larger differences are left to the points
EXACT_SECONDS = 1.0               # of simplification per entry of a comparison
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
    #: The probes an undecided claim was compared at, and what they covered.
    coverage: Probes | None = None


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
    number, a non-zero rational function, or an expression SymPy knows is never zero),
    else None (for the points to decide).

    :func:`quick_verdict` first; then SymPy's simplifications of the expression as the
    author wrote it (simplifying an expansion instead loses what ``simplify`` would
    see, such as a constant left over from ``tanh``). The caller bounds the time.
    """
    quick = quick_verdict(expr)
    return quick if quick is not None else simplified_verdict(expr)


def simplified_verdict(expr: sympy.Expr) -> bool | None:
    """What SymPy's simplifications decide, where :func:`quick_verdict` could not."""
    if expr.is_rational_function():
        return sympy.cancel(expr) == 0
    # SymPy cannot decide piecewise expressions against each other (a where() claim
    # against a step function), and tries for seconds: leave them to the points.
    if expr.has(*_PIECEWISE) or sympy.count_ops(expr) > MAX_SIMPLIFY_OPS:
        return None
    for simplify in (sympy.cancel, _trig_and_exp, sympy.simplify):
        try:
            reduced = simplify(expr)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
        if reduced is None:
            continue
        if reduced == 0:
            return True
        if reduced.is_zero is False:  # non-zero for every (real) value of its symbols
            return False
        if reduced.is_number:
            return None
    return None


def quick_verdict(expr: sympy.Expr) -> bool | None:
    """The cheap, certain answers: zero once expanded (where the expansion is small),
    or a rational function that is not zero at an exact rational point."""
    if expr == 0:
        return True
    expanded = cheap_expand(expr)
    if expanded is not None and expanded == 0:
        return True
    if expr.is_rational_function():
        for value in _rational_values(expr):
            if value != 0:
                return False
    return None


def _rational_values(expr: sympy.Expr) -> Iterator[sympy.Expr]:
    """``expr`` at a few rational points, exactly (skipping poles)."""
    symbols = sorted(expr.free_symbols, key=str)
    for k in range(3):
        point = {s: sympy.Rational(2 * i + 3 + k, 7 + 2 * k * (i + 1))
                 for i, s in enumerate(symbols)}
        value = expr.xreplace(point)
        if value.is_finite:
            yield value


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
    if isinstance(expr, sympy.Pow) and expr.exp.is_Rational and abs(expr.exp) > 1:
        terms = _expanded_terms(expr.base)
        if terms == 1:
            return 1
        # the multinomial (a_1 + ... + a_k)**n has C(n + k - 1, k - 1) terms; of a
        # rational power p/q, expand multiplies out the integer part
        power = math.ceil(abs(expr.exp))
        return min(math.comb(power + terms - 1, terms - 1), MAX_EXPANDED_TERMS + 1)
    if expr.args:  # functions are expanded inside too
        return max(1, min(sum(_expanded_terms(a) for a in expr.args),
                          MAX_EXPANDED_TERMS + 1))
    return 1


_PIECEWISE = (sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min,
              sympy.Abs)


def _trig_and_exp(expr: sympy.Expr) -> sympy.Expr | None:
    expanded = cheap_expand(expr)
    if expanded is None:
        return None
    return sympy.cancel(sympy.powsimp(sympy.trigsimp(expanded)))


def values_at(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
              points: np.ndarray, digits: int = DIGITS
              ) -> list[list[mpmath.mpc | mpmath.mpf | None]]:
    """``exprs`` at each point in ``digits``-digit arithmetic (None where not a number)."""
    fn = sympy.lambdify([list(symbols)], list(exprs), modules="mpmath",
                        printer=code_printer(MpmathPrinter))
    rows = []
    with mpmath.workdps(digits):
        for point in points:
            try:
                values = fn([mpmath.mpf(float(v)) for v in point])
            except (ValueError, ZeroDivisionError, TypeError, NameError, OverflowError):
                values = [None] * len(exprs)
            rows.append([v if isinstance(v, mpmath.mpf | mpmath.mpc | int | float)
                         else None for v in values])
    return rows


def compare(claim: sympy.Matrix, actual: sympy.Matrix, symbols: Sequence[sympy.Symbol],
            points: np.ndarray, probes: Callable[[], Probes] | None = None,
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
    # The cheap, certain verdicts for every entry first, so that no slow entry keeps
    # a wrong one from being found; then simplification, entry by entry, each within
    # a budget: it can take seconds on a true identity, and what it has not settled
    # in time is left to the points, so a true claim never times out here.
    verdicts = {cell: quick_verdict(claim[cell] - actual[cell]) for cell in cells}
    for cell in cells:
        if verdicts[cell] is None:
            with soft_limit(EXACT_SECONDS):
                verdicts[cell] = simplified_verdict(claim[cell] - actual[cell])
    wrong = [cell for cell, verdict in verdicts.items() if verdict is False]
    if wrong:
        i, j = wrong[0]
        return Comparison(False, True, Difference(i, j, claim[i, j], actual[i, j],
                                                  points[0]))
    undecided = [cell for cell, verdict in verdicts.items() if verdict is None]
    if not undecided:
        return Comparison(True, True)
    found = _differ_at(claim, actual, undecided, symbols, points, fine=True)
    if found:
        return Comparison(False, False, found)
    if probes is not None:
        coverage = probes()
        found = _differ_at(claim, actual, undecided, symbols, coverage.points, fine=True)
        if found:
            return Comparison(False, False, found, partial=True)
        return Comparison(True, False, coverage=coverage)
    return Comparison(True, False)


def _differ_at(claim: sympy.Matrix, actual: sympy.Matrix, cells: list[tuple[int, int]],
               symbols: Sequence[sympy.Symbol], points: np.ndarray, fine: bool = False
               ) -> Difference | None:
    """The first cell and point where claim and derivative differ in 50 digits (in 150
    digits if ``fine``)."""
    if not len(points):
        return None
    digits, tolerance = (FINE_DIGITS, FINE_TOLERANCE) if fine else (DIGITS, TOLERANCE)
    exprs = [e for cell in cells for e in (claim[cell], actual[cell])]
    for point, row in zip(points, values_at(exprs, symbols, points, digits)):
        for k, (i, j) in enumerate(cells):
            # A value that is not a number is a difference too: only agreement proven
            # at the point may pass.
            if not agree(row[2 * k], row[2 * k + 1], tolerance, digits):
                return Difference(i, j, claim[i, j], actual[i, j], point)
    return None


def agree(x: object, y: object, tolerance: mpmath.mpf = TOLERANCE,
          digits: int = DIGITS) -> bool:
    """Whether two values are equal to ``tolerance``, relative (and absolute below 1).

    The arithmetic runs at the full working precision: outside it, mpmath would round
    the difference to double precision and hide all that the 50 digits were for.
    """
    if x is None or y is None:
        return False
    with mpmath.workdps(digits):
        return bool(abs(x - y) <= tolerance * max(1, abs(x), abs(y)))


def evaluate_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                point: np.ndarray) -> mpmath.mpc:
    """The value of ``expr`` at ``point``, to 50 digits (nan where it has none)."""
    value = values_at([expr], symbols, point[None, :])[0][0]
    return mpmath.mpmathify(value) if value is not None else mpmath.mpf("nan")

"""Proofs by region: where a difference with pieces is zero on a whole region.

A claim written with ``where()`` against a derivative with steps (relu's Heaviside)
is one that simplification leaves undecided, and :mod:`.compare` then evaluates it
at hundreds of probe points in 150 digits: most of the time of a network's gradient.
Inside one region of the pieces (every guard's sign fixed), such a difference is a
single smooth expression, each ``where()``, step, ``max`` and ``abs`` replaced by the
branch those signs select; where that expression is zero as a rational function of
the entries (:mod:`.rational`), the difference is zero at every point of the region,
and a probe there needs no evaluation. Every other probe is evaluated as before.

Why a probe skipped this way cannot hide a wrong claim:

* Its region is read from the guards' signs at the probe itself, found from the
  double coordinates with a rigorous bound on the rounding (:func:`signs`); only
  polynomial guards with rational coefficients are read, and a guard too close to
  zero to be sure of leaves the probe to the evaluation.
* Only claims and derivatives that have a value at every point are proven this way
  (sums, products, non-negative integer powers, ``exp sin cos tanh`` and pieces with
  an otherwise branch, :func:`total`): elsewhere a probe also checks that the claim
  has a value, and only evaluation can.
* The proof is :mod:`.rational`'s: a numerator that is the zero polynomial in
  independent generators (its symbols, and nodes such as ``exp(z)`` kept whole).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy
from sympy.functions.elementary.piecewise import ExprCondPair

from ..running.limits import soft_limit
from . import rational
from .numeric import guard_expressions, relational_sides

#: Of proofs (resolving and deciding a region's differences), for one comparison's
#: probes in all: a region not proven by then is evaluated, as without this module.
PROOF_SECONDS = 0.5
#: A guard's sign is read only where its value stands this many times above the
#: bound on its rounding (the bound holds; the margin is for the bound's own rounding).
MARGIN = 4.0
#: Polynomial guards with more terms or a higher degree than this are not read.
MAX_TERMS = 200
MAX_DEGREE = 8
#: Products below this are near the subnormal range, where the relative bound fails.
TINY = 2.0 ** -960

_TOTAL_FUNCTIONS = (sympy.exp, sympy.sin, sympy.cos, sympy.tanh, sympy.Abs, sympy.sign,
                    sympy.Heaviside, sympy.Max, sympy.Min)


def total(expr: sympy.Basic) -> bool:
    """Whether ``expr`` has a real value at every real point (of the kinds of node
    this module knows: anything else counts as not)."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Symbol or node.is_Rational or node in (sympy.pi, sympy.E):
            continue
        if node.is_Add or node.is_Mul or isinstance(node, _TOTAL_FUNCTIONS):
            continue
        if node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            continue
        if isinstance(node, sympy.Piecewise):
            if node.args[-1].cond is not sympy.true:
                return False  # no value where no condition holds
            continue
        if isinstance(node, sympy.core.relational.Relational | sympy.And | sympy.Or
                      | sympy.Not | ExprCondPair) or node in (sympy.true, sympy.false):
            continue
        return False
    return True


class Polynomial:
    """A polynomial guard, evaluated at many points at once with a bound on the
    rounding, so that its sign is known for certain where the value exceeds it."""

    def __init__(self, poly: sympy.Poly, symbols: Sequence[sympy.Symbol]) -> None:
        column = {s: k for k, s in enumerate(symbols)}
        gens = [column[g] for g in poly.gens]
        self.terms = [(float(Fraction(int(c.p), int(c.q))),
                       [(gens[k], e) for k, e in enumerate(monomial) if e])
                      for monomial, c in poly.terms()]
        # Each term is a product of its rounded coefficient and its factors, one
        # rounding each; the terms' sum adds one rounding per term (Higham's
        # gamma_k bound for products and recursive summation).
        roundings = max(1 + sum(e for _, e in factors) for _, factors in self.terms)
        roundings += len(self.terms)
        unit = 2.0 ** -53
        self.gamma = roundings * unit / (1 - roundings * unit)

    def signs(self, points: np.ndarray) -> np.ndarray:
        """The sign at each point (1 or -1), 0 where it is not certain."""
        value = np.zeros(len(points))
        size = np.zeros(len(points))
        # The bound holds for normal numbers: a product that underflows (or a sum
        # that overflows) leaves its point uncertain.
        certain = np.all(np.isfinite(points), axis=1)
        with np.errstate(all="ignore"):
            for coefficient, factors in self.terms:
                term = np.full(len(points), coefficient)
                nil = np.zeros(len(points), dtype=bool)  # a factor is exactly 0
                for k, exponent in factors:
                    nil |= points[:, k] == 0
                    for _ in range(exponent):  # multiplications, not pow(): each rounds once
                        term = term * points[:, k]
                        certain &= nil | (np.abs(term) >= TINY)
                value = value + term
                size = size + np.abs(term)
            certain &= np.isfinite(size) & (np.abs(value) > MARGIN * self.gamma * size)
        return np.where(certain, np.sign(value), 0).astype(int)


def polynomial(guard: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Polynomial | None:
    """``guard`` as a :class:`Polynomial` in ``symbols``, or None where it is not one
    with rational coefficients (or is too large to read)."""
    if not guard.free_symbols <= set(symbols) or _size(guard) is None:
        return None
    try:
        poly = sympy.Poly(guard, *sorted(guard.free_symbols, key=sympy.default_sort_key))
    except (sympy.PolynomialError, sympy.GeneratorsNeeded):
        return None
    if poly.domain not in (sympy.ZZ, sympy.QQ) or len(poly.terms()) > MAX_TERMS or \
            poly.total_degree() > MAX_DEGREE:
        return None
    try:
        found = Polynomial(poly, symbols)
    except OverflowError:  # a coefficient past a double (10**400 * x): float() raises
        return None
    if not all(TINY <= abs(c) < np.inf for c, _ in found.terms):
        return None  # a coefficient out of the range where the bound holds
    return found


def _size(expr: sympy.Basic) -> tuple[int, int] | None:
    """Upper estimates of the degree and the number of terms of ``expr`` expanded, or
    None beyond MAX_DEGREE or MAX_TERMS (before SymPy's Poly expands it: a guard
    ``(x + y + z)**200`` would take long)."""
    if expr.is_Symbol:
        return 1, 1
    if expr.is_Rational:
        return 0, 1
    parts = [_size(a) for a in expr.args]
    if any(p is None for p in parts) or not parts:
        return None
    if expr.is_Add:
        degree, terms = max(p[0] for p in parts), sum(p[1] for p in parts)
    elif expr.is_Mul:
        degree, terms = sum(p[0] for p in parts), math.prod(p[1] for p in parts)
    elif expr.is_Pow and expr.exp.is_Integer and 0 <= expr.exp <= MAX_DEGREE:
        (degree, terms), power = parts[0], int(expr.exp)
        degree, terms = degree * power, math.comb(power + terms - 1, max(terms - 1, 0))
    else:
        return None
    return (degree, terms) if degree <= MAX_DEGREE and terms <= MAX_TERMS else None


def settle(expr: sympy.Basic, sign: dict[sympy.Expr, int],
           memo: dict[sympy.Basic, sympy.Basic] | None = None) -> sympy.Basic | None:
    """``expr`` with each piece replaced by the branch that the guards' signs select
    (``sign[g]`` is 1 or -1 for each guard ``g`` of :func:`.numeric.guard_expressions`),
    or None where a piece's guard has no sign there. ``memo`` keeps the settled
    sub-expressions for other expressions under the same signs."""
    memo = {} if memo is None else memo

    def walk(node: sympy.Basic) -> sympy.Basic:
        if node in memo:
            return memo[node]
        if not node.args or isinstance(node, sympy.Piecewise):
            result = _piece(node, sign, walk) if node.args else node
        else:
            arguments = [walk(a) for a in node.args]
            result = _piece(node, sign, walk, arguments)
        memo[node] = result
        return result

    try:
        return walk(expr)
    except _NoSign:
        return None


class _NoSign(Exception):
    """A guard of a piece has no certain sign at the point."""


def _sign_of(guard: sympy.Expr, sign: dict[sympy.Expr, int]) -> int:
    s = sign.get(guard, 0)
    if not s:
        raise _NoSign
    return s


def _piece(node: sympy.Basic, sign: dict[sympy.Expr, int], walk,
           arguments: list[sympy.Basic] | None = None) -> sympy.Basic:
    """One node settled: its branch if it is a piece, else rebuilt from its settled
    ``arguments``. The guards are looked up by the node's own arguments, as
    :func:`.numeric.guard_expressions` found them."""
    if isinstance(node, sympy.Piecewise):
        for value, condition in node.args:
            if _holds(condition, sign):
                return walk(value)
        raise _NoSign  # (total() admits only pieces with an otherwise branch)
    assert arguments is not None
    if isinstance(node, sympy.Heaviside):
        return sympy.Integer(1 if _sign_of(node.args[0], sign) > 0 else 0)
    if isinstance(node, sympy.sign):
        return sympy.Integer(_sign_of(node.args[0], sign))
    if isinstance(node, sympy.Abs):
        return arguments[0] if _sign_of(node.args[0], sign) > 0 else -arguments[0]
    if isinstance(node, sympy.Max | sympy.Min):
        return arguments[_extreme(node.args, sign, isinstance(node, sympy.Max))]
    return node.func(*arguments) if arguments != list(node.args) else node


def _extreme(args: tuple, sign: dict[sympy.Expr, int], largest: bool) -> int:
    """The index of the largest (or smallest) of ``args``, from the signs of their
    differences (each pair ``a - b`` in order, as the guards are formed)."""
    for i in range(len(args)):
        beats = True
        for j in range(len(args)):
            if i == j:
                continue
            s = _sign_of(args[i] - args[j], sign) if i < j else -_sign_of(
                args[j] - args[i], sign)
            beats &= (s > 0) == largest
        if beats:
            return i
    raise _NoSign


def _holds(condition: sympy.Basic, sign: dict[sympy.Expr, int]) -> bool:
    """Whether ``condition`` holds where its comparisons' sides have the given signs."""
    if condition is sympy.true or condition is sympy.false:
        return bool(condition)
    if isinstance(condition, sympy.And):
        return all(_holds(c, sign) for c in condition.args)
    if isinstance(condition, sympy.Or):
        return any(_holds(c, sign) for c in condition.args)
    if isinstance(condition, sympy.Not):
        return not _holds(condition.args[0], sign)
    if isinstance(condition, sympy.core.relational.Relational):
        (side,) = relational_sides(condition)
        s = _sign_of(side, sign)  # never 0: the sides are never equal here
        return {">": s > 0, ">=": s > 0, "<": s < 0, "<=": s < 0, "==": False,
                "!=": True}[condition.rel_op]
    raise _NoSign  # a condition of a kind not read here


class Proofs:
    """Which probes of a comparison need no evaluation: each undecided entry's
    difference proven zero on the region of its pieces the probe lies in."""

    def __init__(self, differences: dict[Cell, sympy.Expr],
                 originals: dict[Cell, Sequence[sympy.Expr]],
                 symbols: Sequence[sympy.Symbol]) -> None:
        self.symbols = list(symbols)
        self.differences = differences
        #: the entries this applies to: both sides total, every guard a polynomial
        self.eligible: list[Cell] = []
        self.polynomials: dict[sympy.Expr, Polynomial] = {}
        for cell, difference in differences.items():
            if not all(total(e) for e in (*originals[cell], difference)):
                continue
            guards = guard_expressions([difference])
            if guards and all(self._read(g) for g in guards):
                self.eligible.append(cell)
        self.guards = sorted(self.polynomials, key=sympy.default_sort_key)
        #: the entries proven equal in each region met, by the guards' signs
        self.proven: dict[tuple[int, ...], set[Cell]] = {}

    def _read(self, guard: sympy.Expr) -> bool:
        if guard not in self.polynomials:
            found = polynomial(guard, self.symbols)
            if found is None:
                return False
            self.polynomials[guard] = found
        return True

    def unproven(self, cells: Sequence[Cell], points: np.ndarray) -> np.ndarray:
        """A mask of the ``points`` where some of ``cells`` is not proven equal."""
        need = np.ones(len(points), dtype=bool)
        if not len(points) or not set(cells) <= set(self.eligible):
            return need
        table = np.stack([self.polynomials[g].signs(points) for g in self.guards], axis=1)
        with soft_limit(PROOF_SECONDS):
            for p, row in enumerate(table):
                need[p] = not set(cells) <= self._region(tuple(int(s) for s in row))
        return need

    def _region(self, signs: tuple[int, ...]) -> set[Cell]:
        """The entries proven equal in the region of ``signs`` (0: not certain)."""
        if signs not in self.proven:
            self.proven[signs] = set()  # (if the time runs out inside, none)
            sign = {g: s for g, s in zip(self.guards, signs) if s}
            memo: dict[sympy.Basic, sympy.Basic] = {}
            settled = {cell: settle(self.differences[cell], sign, memo)
                       for cell in self.eligible}
            forms = rational.Rational(e for e in settled.values() if e is not None)
            self.proven[signs] = {cell for cell, e in settled.items() if e is not None
                                  and (e == 0 or forms.zero(e) is True)}
        return self.proven[signs]


Cell = tuple[int, int]

"""Pieces the region decides: ``where()``, ``relu``, ``abs``, ``max`` and ``min`` under
the directive's ``:where:``.

Under ``:where: z > 0`` the derivative of ``relu(z)`` is ``where(z > 0, 1, 0)`` only in
form: at every point the directive is checked at, it is 1, and that is what a person
writes. A condition is settled when one of the region's conditions says so about the
same tree (``z > 0`` settles ``z > 0``, ``z >= 0`` and ``z <= 0``), compared against 0
(``0 < z`` is ``z > 0``); entry by entry, as the region's own conditions are.

For display only: the form is verified as a claim before it is shown, so a rule here
that were wrong would show no form, never a wrong one.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ...language.syntax import (
    Binary,
    Call,
    Compare,
    Expr,
    Num,
    Unary,
    children,
    with_children,
)
from .algebra import Algebra

ZERO = Num(Fraction(0))
#: The comparison seen from the other side (``0 < z`` is ``z > 0``) ...
_FLIPPED = {">": "<", "<": ">", ">=": "<=", "<=": ">="}
#: ... and what each fact implies.
_IMPLIES = {">": {">", ">="}, ">=": {">="}, "<": {"<", "<="}, "<=": {"<="}}
_NEGATION = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}

Fact = tuple[Expr, str]  # the tree, and how it compares with 0


def facts(conditions: Sequence[Expr]) -> set[Fact]:
    """What ``conditions`` (the region's comparisons, chains included) say of trees
    against 0: ``a > b`` says ``a - b > 0``, and ``z > 0`` that ``z > 0``."""
    found: set[Fact] = set()
    for condition in conditions:
        if not isinstance(condition, Compare):
            continue
        pairs = zip(condition.operands, condition.operands[1:])
        for op, (left, right) in zip(condition.ops, pairs):
            fact = _against_zero(left, op, right)
            if fact is not None:
                found.add(fact)
    return found


def _against_zero(left: Expr, op: str, right: Expr) -> Fact | None:
    if op not in _FLIPPED:
        return None
    if right == ZERO:
        return left, op
    if left == ZERO:
        return right, _FLIPPED[op]
    return Binary("-", left, right), op


def _holds(fact: Fact, known: set[Fact]) -> bool:
    tree, op = fact
    return any((tree, strong) in known for strong, implied in _IMPLIES.items()
               if op in implied)


def _truth(condition: Expr, known: set[Fact]) -> bool | None:
    """Whether the region settles ``condition`` (a single comparison) true or false."""
    if not isinstance(condition, Compare) or len(condition.ops) != 1:
        return None
    fact = _against_zero(condition.operands[0], condition.ops[0], condition.operands[1])
    if fact is None:
        return None
    if _holds(fact, known):
        return True
    if _holds((fact[0], _NEGATION[fact[1]]), known):
        return False
    return None


def settle(node: Expr, conditions: Sequence[Expr], alg: Algebra) -> Expr:
    """``node`` with the pieces the region decides replaced by the piece taken, and
    what an equality of the region fixes by its value (``sum(y)`` under ``sum(y) ==
    1``: the softmax cross-entropy's gradient is ``softmax(z) - y`` on the simplex)."""
    known, fixed = facts(conditions), equalities(conditions)
    return _settled(node, known, fixed, alg) if known or fixed else node


def equalities(conditions: Sequence[Expr]) -> dict[Expr, Num]:
    """The trees the region's equalities give a number (``sum(y) == 1``)."""
    found: dict[Expr, Num] = {}
    for condition in conditions:
        if isinstance(condition, Compare) and condition.ops == ("==",):
            left, right = condition.operands
            if isinstance(right, Num) and not isinstance(left, Num):
                found[left] = right
            elif isinstance(left, Num) and not isinstance(right, Num):
                found[right] = left
    return found


def _settled(node: Expr, known: set[Fact], fixed: dict[Expr, Num], alg: Algebra) -> Expr:
    if node in fixed and not alg.shapes.of(node):
        return fixed[node]
    node = with_children(node, tuple(_settled(c, known, fixed, alg)
                                     for c in children(node)))
    return (_piece(node, known, alg) or node) if isinstance(node, Call) else node


def _piece(node: Call, known: set[Fact], alg: Algebra) -> Expr | None:
    """The piece of ``node`` the region takes, or None where it does not decide."""
    args = node.args
    if node.func == "where" and len(args) == 3:
        truth = _truth(args[0], known)
        if truth is None:
            return None
        return _broadcast(args[1] if truth else args[2], node, alg)
    if node.func in ("relu", "abs") and len(args) == 1:
        (u,) = args
        if _holds((u, ">="), known):
            return u
        if _holds((u, "<="), known):
            return alg.zero(alg.shapes.of(u)) if node.func == "relu" else Unary("-", u)
        return None
    if node.func in ("max", "min") and len(args) == 2:
        a, b = args
        # max(a, b) is a where a - b >= 0, b where a - b <= 0
        if _holds((Binary("-", a, b), ">="), known) or _holds((Binary("-", b, a), "<="),
                                                              known):
            return _broadcast(a if node.func == "max" else b, node, alg)
        if _holds((Binary("-", a, b), "<="), known) or _holds((Binary("-", b, a), ">="),
                                                              known):
            return _broadcast(b if node.func == "max" else a, node, alg)
        if ZERO in args:
            other = b if a == ZERO else a
            if _holds((other, ">="), known):
                return _broadcast(other if node.func == "max" else ZERO, node, alg)
            if _holds((other, "<="), known):
                return _broadcast(ZERO if node.func == "max" else other, node, alg)
    return None


def _broadcast(piece: Expr, whole: Expr, alg: Algebra) -> Expr:
    """``piece`` with the shape of ``whole`` (a scalar branch of an array where())."""
    shape = alg.shapes.of(whole)
    if not shape or alg.shapes.of(piece):
        return piece
    if piece == ZERO:
        return alg.zero(shape)
    ones = alg.ones(shape)
    return ones if piece == Num(Fraction(1)) else Binary("*", piece, ones)

"""Simplification of a whole tree: rebuilt bottom-up through the smart constructors.

:class:`.algebra.Algebra` simplifies what it builds; :func:`simplify` rebuilds every
node of a tree with it, until nothing changes (so that ``simplify(simplify(t)) ==
simplify(t)``, a property the tests check).
"""

from __future__ import annotations

from ...language.syntax import ArrayLit, Binary, Call, Compare, Expr, Transpose, Unary
from . import elementwise
from .algebra import Algebra

MAX_ROUNDS = 6


def simplify(node: Expr, alg: Algebra) -> Expr:
    """``node`` simplified, to a fixed point of the rules."""
    for _round in range(MAX_ROUNDS):
        simpler = elementwise.simplified(once(node, alg), alg.shapes)
        if simpler == node:
            break
        node = simpler
    return node


def once(node: Expr, alg: Algebra) -> Expr:
    """One bottom-up rebuild of ``node``."""
    result = _rebuild(node, alg)
    return alg.zero(alg.shapes.of(node)) if result is None else result


def _rebuild(node: Expr, alg: Algebra) -> Expr | None:
    match node:
        case Unary(op=op, operand=operand):
            inner = _rebuild(operand, alg)
            return alg.neg(inner) if op == "-" else inner
        case Transpose(operand=operand):
            return alg.transpose(_rebuild(operand, alg))
        case Binary(op=op, left=left, right=right):
            # None is zero, which the algebra absorbs (a zeros() the region left)
            a, b = _rebuild(left, alg), _rebuild(right, alg)
            if op in ("/", "**") and b is None:
                b = once(right, alg)
            if op == "**" and a is None:
                a = once(left, alg)
            if op == "+":
                return alg.add(a, b)
            if op == "-":
                return alg.sub(a, b)
            if op == "*":
                return alg.mul(a, b)
            if op == "/":
                return alg.div(a, b)
            if op == "@":
                return alg.matmul(a, b)
            return alg.power(a, b)
        case Call(func="zeros"):
            return None
        case Call(func="diag", args=(arg,)):
            return _diag(once(arg, alg), alg)
        case Call(func="inv", args=(Call(func="inv", args=(inner,)),)):
            return once(inner, alg)  # inv(inv(A)) is A
        case Call(func="sum", args=(Unary(op="-", operand=inner),)):
            return alg.neg(Call("sum", (once(inner, alg),)))  # sum(-y) is -sum(y)
        case Call(func=func, args=args):
            return Call(func, tuple(once(a, alg) for a in args))
        case ArrayLit(items=items):
            return ArrayLit(tuple(once(i, alg) for i in items))
        case Compare(ops=ops, operands=operands):
            return Compare(ops, tuple(once(o, alg) for o in operands))
    return node


def _diag(vector: Expr | None, alg: Algebra) -> Expr | None:
    """``diag(ones(n))`` is ``eye(n)`` (and ``diag(-ones(n))`` is ``-eye(n)``)."""
    match vector:
        case None | Call(func="zeros"):
            return None
        case Call(func="ones", args=(n,)):
            return Call("eye", (n,))
        case Unary(op="-", operand=inner):
            # diag(-v) is -diag(v): the sign joins the product's (a logistic loss's
            # Hessian read -X.T @ diag(-(...)) @ X)
            return alg.neg(_diag(inner, alg))
    return Call("diag", (vector,))

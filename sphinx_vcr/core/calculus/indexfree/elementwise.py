"""Entry-by-entry parts of a tree simplified as the scalar algebra they are.

The derivative of a logistic loss comes out of the read-off as
``s * (1 - s) * (-y / s) - s * (1 - s) * ((-1 + y) / (1 - s))`` with ``s =
sigmoid(X @ w)``: a person writes ``s - y``. Sums, differences, products, quotients
and integer powers of arrays of one shape (and scalars) act entry by entry, so such a
subtree is a rational function of its leaves (``s``, ``y``, ``X @ w``, ``exp(z)``),
each a commutative symbol here; SymPy's ``cancel`` (and ``factor``) simplify it, and the
result is kept only where it is strictly smaller. The form is still verified like any
claim before it is shown (:mod:`...running.derived`).
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ...language.syntax import (
    Binary,
    Call,
    Expr,
    Num,
    Transpose,
    Unary,
    children,
    with_children,
)
from .shape import Shapes, Unsupported, is_column

#: A subtree with more leaves than this, or a larger SymPy form, is left as it is:
#: ``factor`` of a large rational function takes seconds.
MAX_LEAVES = 12
MAX_OPS = 200


def simplified(node: Expr, shapes: Shapes) -> Expr:
    """``node`` with each largest entry-by-entry subtree simplified (see the module)."""
    if _elementwise(node):
        return _simplified_part(node, shapes)
    dot = _dot(node, shapes)
    if dot is not None:
        return dot
    kids = children(node)
    return with_children(node, tuple(simplified(k, shapes) for k in kids)) if kids else node


def _dot(node: Expr, shapes: Shapes) -> Expr | None:
    """``a.T @ b`` of two columns as ``sum(a * b)`` where the product simplifies
    (``(-y / p).T @ p`` is ``sum(-y)``); else None."""
    match node:
        case Binary(op="@", left=Transpose(operand=a), right=b):
            return _sum_of_product(a, b, shapes)
        case Binary(op="@", left=Binary(op="@", left=head, right=Transpose(operand=a)),
                    right=b):
            # p @ p.T @ r, read (p @ p.T) @ r, is p times the dot product p.T @ r
            dot = _sum_of_product(a, b, shapes)
            if dot is not None and is_column(shapes.of(head)):
                return Binary("*", dot, simplified(head, shapes))
    return None


def _sum_of_product(a: Expr, b: Expr, shapes: Shapes) -> Expr | None:
    """``sum(a * b)`` for two columns of one shape whose product simplifies."""
    try:
        if not is_column(shapes.of(a)) or shapes.of(a) != shapes.of(b):
            return None
    except Unsupported:
        return None
    product = Binary("*", a, b)
    simpler = _simplified_part(product, shapes)
    return Call("sum", (simpler,)) if simpler != _inside(product, shapes) else None


def _elementwise(node: Expr) -> bool:
    """Whether ``node`` is an entry-by-entry operation (its operands are leaves, or
    such operations, for :func:`_simplified_part`)."""
    match node:
        case Binary(op="+" | "-" | "*" | "/"):
            return True
        case Binary(op="**", right=Num()):
            return True
        case Unary(op="-"):
            return True
    return False


def _simplified_part(node: Expr, shapes: Shapes) -> Expr:
    try:
        shape = shapes.of(node)
        if shape == ():
            # A scalar's own rules stand (a sum of monomials stays one: 3 * x**2 + 4 *
            # x + 1, not (1 + x) * (1 + 3 * x)).
            return _inside(node, shapes)
        leaves: dict[Expr, sympy.Symbol] = {}
        scalar = _to_sympy(node, shapes, shape, leaves)
    except (Unsupported, _NotElementwise):
        return _inside(node, shapes)
    if len(leaves) > MAX_LEAVES or sympy.count_ops(scalar) > MAX_OPS:
        return _inside(node, shapes)
    # (SymPy has already cancelled what its constructors cancel: p * (-y / p) is -y)
    best, size = None, _operations(node)
    for candidate in [scalar, *_candidates(scalar)]:
        ops = sympy.count_ops(candidate)
        if ops < size:
            best, size = candidate, ops
    if best is None:
        return _inside(node, shapes)
    atoms = {symbol: simplified(leaf, shapes) for leaf, symbol in leaves.items()}
    tree = _from_sympy(best, atoms)
    try:
        same = tree is not None and shapes.of(tree) == shape
    except Unsupported:
        same = False
    return tree if same else _inside(node, shapes)  # type: ignore[return-value]


def _inside(node: Expr, shapes: Shapes) -> Expr:
    """``node`` as it is, its leaves simplified."""
    match node:
        case Unary(op=op, operand=operand):
            return Unary(op, _inside_operand(operand, shapes))
        case Binary(op=op, left=left, right=right):
            return Binary(op, _inside_operand(left, shapes), _inside_operand(right, shapes))
    return node


def _inside_operand(node: Expr, shapes: Shapes) -> Expr:
    return _inside(node, shapes) if _elementwise(node) else simplified(node, shapes)


def _operations(node: Expr) -> int:
    """The operations of an entry-by-entry part, counted as ``count_ops`` counts them
    (leaves none)."""
    if not _elementwise(node):
        return 0
    return 1 + sum(_operations(k) for k in children(node))


def _candidates(scalar: sympy.Expr) -> list[sympy.Expr]:
    cancelled = sympy.cancel(scalar)
    return [cancelled, sympy.factor(cancelled)]


class _NotElementwise(Exception):
    """An operand whose shape is neither the whole's nor a scalar's: broadcasting (a
    column times a row is a matrix), which the scalar algebra does not model."""


def _to_sympy(node: Expr, shapes: Shapes, shape: tuple, leaves: dict) -> sympy.Expr:
    """``node`` as a SymPy expression in one symbol per distinct leaf."""
    if _elementwise(node):
        if shapes.of(node) != shape and shapes.of(node) != ():
            raise _NotElementwise
        match node:
            case Unary(operand=operand):
                return -_to_sympy(operand, shapes, shape, leaves)
            case Binary(op=op, left=left, right=right):
                a = _to_sympy(left, shapes, shape, leaves)
                if op == "**":
                    return a ** sympy.Rational(right.value.numerator,  # type: ignore[union-attr]
                                               right.value.denominator)  # type: ignore[union-attr]
                b = _to_sympy(right, shapes, shape, leaves)
                return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
    if isinstance(node, Num):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if shapes.of(node) not in (shape, ()):
        raise _NotElementwise
    if node not in leaves:
        leaves[node] = sympy.Symbol(f"leaf{len(leaves)}")
    return leaves[node]


def _from_sympy(expr: sympy.Expr, atoms: dict[sympy.Symbol, Expr]) -> Expr | None:
    """``expr`` back as a tree, leaves as they were; None for a node without a form."""
    if expr.is_Symbol:
        return atoms.get(expr)
    if expr.is_Rational:
        value = Fraction(int(expr.p), int(expr.q))
        return Num(value) if value >= 0 else Unary("-", Num(-value))
    if expr.is_Add:
        return _sum(expr, atoms)
    if expr.is_Mul or expr.is_Pow:
        return _product(expr, atoms)
    return None


def _sum(expr: sympy.Add, atoms: dict) -> Expr | None:
    terms = sorted(expr.args, key=lambda t: t.could_extract_minus_sign())
    result: Expr | None = None
    for term in terms:
        negative = term.could_extract_minus_sign()
        tree = _from_sympy(-term if negative else term, atoms)
        if tree is None:
            return None
        if result is None:
            result = Unary("-", tree) if negative else tree
        else:
            result = Binary("-" if negative else "+", result, tree)
    return result


def _product(expr: sympy.Expr, atoms: dict) -> Expr | None:
    if expr.could_extract_minus_sign():
        inner = _from_sympy(-expr, atoms)
        return None if inner is None else Unary("-", inner)
    top, bottom = sympy.fraction(expr)
    numerator = _factors(top, atoms)
    if numerator is None:
        return None
    if bottom == 1:
        return numerator
    denominator = _factors(bottom, atoms)
    return None if denominator is None else Binary("/", numerator, denominator)


def _factors(expr: sympy.Expr, atoms: dict) -> Expr | None:
    """A product of factors with non-negative powers, as a tree."""
    factors = sympy.Mul.make_args(expr)
    result: Expr | None = None
    for factor in factors:
        base, exponent = factor.as_base_exp()
        if exponent.is_Integer and exponent > 1:
            inner = _from_sympy(base, atoms)
            tree = None if inner is None else Binary("**", inner, Num(Fraction(int(exponent))))
        else:
            tree = _from_sympy(factor, atoms) if not factor.is_Pow else None
        if tree is None:
            return None
        result = tree if result is None else Binary("*", result, tree)
    return result


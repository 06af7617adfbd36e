"""Symbolic shapes of expression trees, for the index-free engine.

The evaluator (:mod:`..evaluate`) learns shapes while it computes values at one size;
the engine needs them without any values, in the author's size names, for trees it
builds itself. The rules are the evaluator's (NumPy broadcasting, ``@`` of two column
vectors a dot product, a 1 x 1 product a scalar), so that a tree the engine builds
evaluates to what the engine believed it to be.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import sympy

from ...language.syntax import (
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Declaration,
    Expr,
    Name,
    Num,
    Transpose,
    Unary,
)
from .. import shapes
from ..shapes import Dim, Shape

#: Functions applied entry by entry: the result has the argument's shape.
ELEMENTWISE = ("exp", "log", "ln", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid",
               "relu", "abs")
#: Functions of an array whose value is a scalar.
REDUCTIONS = ("sum", "mean", "dot", "norm", "trace", "tr", "det", "logdet", "logsumexp")


#: The structures of :vars: whose matrices are their own transposes.
SYMMETRIC = ("symmetric", "spd", "diagonal")


class Unsupported(Exception):
    """A form the engine does not handle: the caller returns no index-free form."""


ONE = sympy.Integer(1)


class Shapes:
    """The shapes of the names of one problem; ``of`` gives any tree's shape."""

    def __init__(self, declarations: Iterable[Declaration]) -> None:
        self.names: dict[str, Shape] = {}
        # By identity, holding the node: trees are asked again and again as they grow,
        # and hashing a frozen tree walks all of it.
        self._known: dict[int, tuple[Expr, Shape]] = {}
        #: The matrices declared equal to their transposes (symmetric, spd, diagonal).
        self.symmetric: set[str] = set()
        for decl in declarations:
            self.declare(decl.name, declared_shape(decl))
            if decl.structure in SYMMETRIC:
                self.symmetric.add(decl.name)

    def declare(self, name: str, shape: Shape) -> None:
        self.names[name] = shape
        self._known.clear()

    def of(self, node: Expr) -> Shape:
        """The shape of ``node``; :class:`Unsupported` if it has none."""
        known = self._known.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        shape = self._of(node)
        self._known[id(node)] = (node, shape)
        return shape

    def _of(self, node: Expr) -> Shape:
        match node:
            case Num() | Const():
                return ()
            case Name(id=name):
                return self.names.get(name, ())
            case Unary(operand=operand):
                return self.of(operand)
            case Transpose(operand=operand):
                shape = self.of(operand)
                return (shape[1], shape[0]) if shape else ()
            case Binary(op="@", left=left, right=right):
                return matmul_shape(self.of(left), self.of(right))
            case Binary(left=left, right=right):
                return broadcast(self.of(left), self.of(right))
            case Call():
                return self._call(node)
            case ArrayLit():
                return self._array(node)
            case Compare(operands=operands):
                shape: Shape = ()
                for operand in operands:
                    shape = broadcast(shape, self.of(operand))
                return shape
        raise Unsupported(type(node).__name__)

    def _call(self, node: Call) -> Shape:
        func, args = node.func, node.args
        if func in ELEMENTWISE or func in ("inv", "softmax"):
            return self.of(args[0])
        if func in REDUCTIONS:
            return ()
        if func in ("max", "min"):
            return broadcast(self.of(args[0]), self.of(args[1]))
        if func == "where":
            return broadcast(self.of(args[0]), broadcast(self.of(args[1]),
                                                          self.of(args[2])))
        if func == "diag":
            length = vector_length(self.of(args[0]))
            return (length, length)
        if func == "eye":
            size = dim_of(args[0])
            return (size, size)
        if func == "ones":
            return (dim_of(args[0]), ONE)
        if func == "zeros":
            return (dim_of(args[0]), dim_of(args[1]) if len(args) > 1 else ONE)
        if func == "outer":
            return (vector_length(self.of(args[0])), vector_length(self.of(args[1])))
        if func == "vec":
            rows, cols = array(self.of(args[0]))
            return (rows * cols, ONE)
        if func == "kron":
            (a, b), (c, d) = array(self.of(args[0])), array(self.of(args[1]))
            return (a * c, b * d)
        raise Unsupported(func)

    def _array(self, node: ArrayLit) -> Shape:
        def block(item: Expr) -> tuple[Dim, Dim]:
            shape = self.of(item)
            return shape if shape else (ONE, ONE)

        if all(isinstance(item, ArrayLit) for item in node.items):
            rows = []
            for row in node.items:
                parts = [block(i) for i in row.items]  # type: ignore[union-attr]
                rows.append((parts[0][0], shapes.total([p[1] for p in parts])))
            return (shapes.total([r[0] for r in rows]), rows[0][1])
        parts = [block(i) for i in node.items]
        return (shapes.total([p[0] for p in parts]), parts[0][1])

    def is_scalar(self, node: Expr) -> bool:
        return not self.of(node)


def declared_shape(decl: Declaration) -> Shape:
    """The shape of a ``:wrt:`` or ``:vars:`` entry."""
    if not decl.dims:
        return ()
    dims = [shapes.dim(d) for d in decl.dims]
    return (dims[0], ONE) if len(dims) == 1 else (dims[0], dims[1])


def array(shape: Shape) -> tuple[Dim, Dim]:
    if not shape:
        raise Unsupported("scalar where an array is needed")
    return shape


def is_column(shape: Shape) -> bool:
    return bool(shape) and shapes.same_dim(shape[1], 1) and not shapes.same_dim(shape[0], 1)


def is_row(shape: Shape) -> bool:
    return bool(shape) and shapes.same_dim(shape[0], 1) and not shapes.same_dim(shape[1], 1)


def is_vector(shape: Shape) -> bool:
    return bool(shape) and (shapes.same_dim(shape[0], 1) or shapes.same_dim(shape[1], 1))


def vector_length(shape: Shape) -> Dim:
    if not is_vector(shape):
        raise Unsupported("not a vector")
    return shape[1] if shapes.same_dim(shape[0], 1) else shape[0]


def count(shape: Shape) -> Dim:
    """How many entries a value of ``shape`` has."""
    return shape[0] * shape[1] if shape else ONE


def broadcast(a: Shape, b: Shape) -> Shape:
    if not a:
        return b
    if not b:
        return a
    if not shapes.same_shape(a, b):
        raise Unsupported("element-wise operands of different shapes")
    return a


def matmul_shape(a: Shape, b: Shape) -> Shape:
    """The evaluator's rules for ``@``."""
    (ar, ac), (br, bc) = array(a), array(b)
    if is_column(a) and is_column(b) and shapes.same_dim(ar, br):
        return ()
    if shapes.same_dim(ac, br):
        result: Shape = (ar, bc)
    elif is_column(a) and shapes.same_dim(ar, br):
        result = (bc, ONE)
    else:
        raise Unsupported("inner sizes differ")
    return () if shapes.is_one_by_one(result) else result


def dim_of(node: Expr) -> Dim:
    """The size an argument of ``eye``/``ones``/``zeros`` stands for."""
    match node:
        case Num(value=value) if value.denominator == 1:
            return sympy.Integer(int(value))
        case Name(id=name):
            return shapes.size_symbol(name)
        case Binary(op="+" | "-" | "*" as op, left=left, right=right):
            a, b = dim_of(left), dim_of(right)
            return a + b if op == "+" else a - b if op == "-" else a * b
    raise Unsupported("size argument")


def dim_tree(d: Dim) -> Expr:
    """A dimension as a tree of the language (``n``, ``3``, ``m*n``)."""
    d = sympy.expand(d)
    if d.is_Integer and d > 0:
        return Num(Fraction(int(d)))
    if d.is_Symbol:
        return Name(d.name)
    if d.is_Mul and all(f.is_Symbol or (f.is_Integer and f > 0) for f in d.args):
        factors = [dim_tree(f) for f in sorted(d.args, key=str)]
        tree = factors[0]
        for f in factors[1:]:
            tree = Binary("*", tree, f)
        return tree
    if d.is_Add and all(t.is_Symbol or (t.is_Integer and t > 0) for t in d.args):
        terms = [dim_tree(t) for t in sorted(d.args, key=lambda t: (t.is_Integer, str(t)))]
        tree = terms[0]
        for t in terms[1:]:
            tree = Binary("+", tree, t)
        return tree
    raise Unsupported(f"size {d}")

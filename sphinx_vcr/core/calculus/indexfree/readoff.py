"""Reading the derivative off a differential, in either layout's raw form.

For a scalar ``f``, ``df = <G, dX>`` (the sum of the entry-wise product, ``tr(G.T dX)``)
defines the gradient ``G``, of ``X``'s shape: :func:`gradient` finds it by carrying a
"coefficient" from the top of the differential down to ``dX``, transposing each linear
step on the way (``<B, A @ D> = <A.T @ B, D>``, ``<B, D.T> = <B.T, D>``,
``<b, trace(D)> = <b * I, D>``, ...). For a vector ``f`` of a vector ``x``,
``df = J @ dx`` defines the Jacobian ``J``: :func:`jacobian` finds it by moving ``dx``
to the right of every product. Either raises :class:`.shape.Unsupported` on a form it
does not know, so the caller shows no index-free form rather than a wrong one.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from ...language.syntax import Binary, Call, Expr, Name, Num, Transpose, Unary, names_in
from .algebra import Algebra, is_call
from .shape import Unsupported, count, dim_tree, is_column, is_row, is_vector

Num1 = Num(Fraction(1))


class Readoff:
    """Read-off of one variable's differential ``dx`` (a :func:`.differential.marker`)."""

    def __init__(self, alg: Algebra, dx: Name) -> None:
        self.alg = alg
        self.dx = dx

    def has(self, node: Expr) -> bool:
        return self.dx.id in names_in(node)

    def _split(self, a: Expr, b: Expr) -> tuple[Expr, Expr, bool]:
        """(the side with dx, the other side, whether dx is on the left)."""
        if self.has(a) and self.has(b):
            raise Unsupported("not linear")
        return (a, b, True) if self.has(a) else (b, a, False)

    def _numpy(self, node: Binary) -> bool:
        """Whether ``node`` multiplies a column from the left (NumPy reads it as a row)."""
        return (is_column(self.alg.shapes.of(node.left)) and not self.alg.numpy_product(
            node) and is_column(self.alg.shapes.of(node.right))) or self.alg.numpy_product(node)

    def _standard(self, node: Binary) -> Expr:
        """``a @ b`` of two columns as ``a.T @ b``; ``v @ M`` as ``(v.T @ M).T``."""
        product = Binary("@", Transpose(node.left), node.right)
        return product if is_column(self.alg.shapes.of(node.right)) else Transpose(product)

    # Scalar functions: df = <G, dx> ---------------------------------------------------

    def gradient(self, differential: Expr, bar: Expr) -> list[Expr]:
        """The terms of ``G`` where ``<bar, differential> = <G, dx>``."""
        alg = self.alg
        match differential:
            case Name() if differential == self.dx:
                return [bar]
            case Unary(op=op, operand=operand):
                return self.gradient(operand, alg.neg(bar) if op == "-" else bar)  # type: ignore[arg-type]
            case Transpose(operand=operand):
                return self.gradient(operand, alg.transpose(bar))  # type: ignore[arg-type]
            case Binary(op="+", left=left, right=right):
                return self.gradient(left, bar) + self.gradient(right, bar)
            case Binary(op="-", left=left, right=right):
                return self.gradient(left, bar) + self.gradient(right, alg.neg(bar))  # type: ignore[arg-type]
            case Binary(op="*", left=left, right=right):
                inner, other, _left = self._split(left, right)
                return self.gradient(inner, self._scaled(inner, differential, other, bar))
            case Binary(op="/", left=left, right=right) if not self.has(right):
                reciprocal = alg.div(Num1, right)
                return self.gradient(left, self._scaled(left, differential, reciprocal, bar))  # type: ignore[arg-type]
            case Binary(op="@", left=left, right=right) if self._numpy(differential):
                return self.gradient(self._standard(differential), bar)
            case Binary(op="@", left=left, right=right):
                inner, other, on_left = self._split(left, right)
                carried = (alg.matmul(bar, alg.transpose(other)) if on_left
                           else alg.matmul(alg.transpose(other), bar))
                return self.gradient(inner, carried)  # type: ignore[arg-type]
            case Call():
                return self._gradient_call(differential, bar)
        raise Unsupported(f"read-off of {type(differential).__name__}")

    def _scaled(self, inner: Expr, whole: Expr, other: Expr, bar: Expr) -> Expr:
        """What ``bar`` becomes below ``inner * other`` (``whole``): multiplied by
        ``other``, and summed where ``inner`` was broadcast from a scalar."""
        alg = self.alg
        if alg.scalar(inner) and not alg.scalar(whole):
            return self.inner_product(other, bar)
        result = alg.mul(other, bar)
        assert result is not None
        return result

    def inner_product(self, a: Expr, b: Expr) -> Expr:
        """``<a, b>``, the sum of the entry-wise product of two arrays of one shape."""
        alg = self.alg
        shape = alg.shapes.of(a)
        if is_column(shape) or (is_vector(shape) and not is_row(shape)):
            result = alg.matmul(alg.transpose(a), b)
        elif is_row(shape):
            result = alg.matmul(a, alg.transpose(b))
        else:
            outer = self._outer_parts(b)
            result = (alg.matmul(alg.matmul(alg.transpose(outer[0]), a), outer[1])
                      if outer else Call("sum", (alg.mul(a, b),)))  # type: ignore[arg-type]
        assert result is not None
        return result

    def _outer_parts(self, node: Expr) -> tuple[Expr, Expr] | None:
        """(u, v) if ``node`` is ``u @ v.T`` with u, v columns."""
        if isinstance(node, Binary) and node.op == "@" and isinstance(node.right, Transpose):
            u, v = node.left, node.right.operand
            if is_column(self.alg.shapes.of(u)) and is_column(self.alg.shapes.of(v)):
                return u, v
        return None

    def _gradient_call(self, node: Call, bar: Expr) -> list[Expr]:
        alg = self.alg
        inner = node.args[0]
        shape = alg.shapes.of(inner)
        if not shape and node.func in ("trace", "tr", "sum", "mean"):
            # Of a scalar (x.T @ A @ x is one), each is the scalar itself.
            return self.gradient(inner, bar)
        if node.func in ("trace", "tr"):
            return self.gradient(inner, alg.mul(bar, alg.eye(shape)))  # type: ignore[arg-type]
        if node.func in ("sum", "mean"):
            if node.func == "mean":
                bar = alg.div(bar, dim_tree(count(shape)))  # type: ignore[assignment]
            if isinstance(inner, Binary) and inner.op == "*" and not (
                    alg.scalar(inner.left) or alg.scalar(inner.right)):
                part, other, _left = self._split(inner.left, inner.right)
                return self.gradient(part, alg.mul(bar, other))  # type: ignore[arg-type]
            return self.gradient(inner, alg.mul(bar, alg.ones(shape)))  # type: ignore[arg-type]
        if node.func == "diag":
            diagonal = self.diagonal(bar)
            return self.gradient(inner, diagonal if is_column(shape) else alg.transpose(diagonal))  # type: ignore[arg-type]
        raise Unsupported(f"read-off of {node.func}")

    def diagonal(self, node: Expr) -> Expr:
        """The diagonal of a square matrix, as a column, for the forms that have one."""
        alg = self.alg
        outer = self._outer_parts(node)
        if outer:
            return alg.mul(*outer)  # type: ignore[return-value]
        if is_call(node, "diag"):
            return node.args[0]  # type: ignore[union-attr]
        if is_call(node, "eye"):
            return Call("ones", node.args)  # type: ignore[union-attr]
        product = alg.factor(node)
        if len(product.chain) == 1 and product.chain[0] != node:
            scale = alg.write(replace(product, chain=()))
            return alg.mul(scale, self.diagonal(product.chain[0]))  # type: ignore[return-value]
        raise Unsupported("diagonal of a general matrix")

    # Vector functions: df = J @ dx -------------------------------------------------

    def jacobian(self, node: Expr) -> Expr | None:
        """``J`` with ``node = J @ dx``, for a scalar or vector ``node`` and vector ``x``."""
        alg = self.alg
        shape = alg.shapes.of(node)
        if shape and not is_vector(shape):
            return self._matrix_times(node, None)
        match node:
            case Name() if node == self.dx:
                return alg.eye(shape)
            case Unary(op=op, operand=operand):
                inner = self.jacobian(operand)
                return alg.neg(inner) if op == "-" else inner
            case Transpose(operand=operand):
                return self.jacobian(operand)
            case Binary(op="+", left=left, right=right):
                return alg.add(self.jacobian(left), self.jacobian(right))
            case Binary(op="-", left=left, right=right):
                return alg.sub(self.jacobian(left), self.jacobian(right))
            case Binary(op="*", left=left, right=right):
                inner, other, _left = self._split(left, right)
                return self._times(other, inner)
            case Binary(op="/", left=left, right=right) if not self.has(right):
                return self._times(alg.div(Num1, right), left)  # type: ignore[arg-type]
            case Binary(op="@") if self._numpy(node):
                return self.jacobian(self._standard(node))
            case Binary(op="@", left=left, right=right):
                return self._jacobian_product(left, right)
            case Call(func="sum" | "mean" as func, args=(inner,)):
                inner_shape = alg.shapes.of(inner)
                if not is_vector(inner_shape):
                    raise Unsupported("sum of a matrix differential")
                total = alg.matmul(Transpose(alg.ones(alg.shapes.of(alg.column(inner)))),
                                   self.jacobian(inner))
                return alg.div(total, dim_tree(count(inner_shape))) if func == "mean" else total
        raise Unsupported(f"Jacobian of {type(node).__name__}")

    # Arrays by a matrix: vec(dF) = J @ vec(dX) ---------------------------------------

    def vec_jacobian(self, node: Expr) -> Expr | None:
        """``J`` with ``vec(node) = J @ vec(dX)`` (column-stacking), by the rules
        ``vec(A @ D @ B) = kron(B.T, A) @ vec(D)``; transposes of ``dX`` (which need the
        commutation matrix) are not handled."""
        alg = self.alg
        shape = alg.shapes.of(node)
        match node:
            case Name() if node == self.dx:
                return Call("eye", (dim_tree(count(shape)),))
            case Unary(op=op, operand=operand):
                inner = self.vec_jacobian(operand)
                return alg.neg(inner) if op == "-" else inner
            case Binary(op="+", left=left, right=right):
                return alg.add(self.vec_jacobian(left), self.vec_jacobian(right))
            case Binary(op="-", left=left, right=right):
                return alg.sub(self.vec_jacobian(left), self.vec_jacobian(right))
            case Binary(op="*", left=left, right=right):
                inner, other, _left = self._split(left, right)
                if alg.scalar(other) and not alg.scalar(inner):
                    return alg.mul(other, self.vec_jacobian(inner))
                if is_column(alg.shapes.of(other)) and alg.shapes.of(other) == \
                        alg.shapes.of(inner):
                    # entry-wise (sigmoid(W @ x)' is its slope * d(W @ x)): vec(a * D)
                    # = diag(a) vec(D) for columns a and D
                    return alg.matmul(Call("diag", (other,)), self.vec_jacobian(inner))
            case Binary(op="@", left=left, right=right) if not self._numpy(node):
                inner, other, on_left = self._split(left, right)
                rows, cols = alg.shapes.of(inner) or (None, None)
                if rows is None:
                    raise Unsupported("a scalar differential in a product")
                if on_left:  # vec(D @ B) = kron(B.T, I) vec(D)
                    factor = self._kron(alg.transpose(other), Call("eye", (dim_tree(rows),)))
                else:        # vec(A @ D) = kron(I, A) vec(D)
                    factor = self._kron(Call("eye", (dim_tree(cols),)), other)
                return alg.matmul(factor, self.vec_jacobian(inner))
        raise Unsupported(f"vec-Jacobian of {type(node).__name__}")

    def _kron(self, a: Expr | None, b: Expr) -> Expr:
        """``kron(a, b)``, with ``kron(eye(1), b)`` as ``b``."""
        one = Call("eye", (Num1,))
        if a == one:
            return b
        if b == one:
            return a  # type: ignore[return-value]
        return Call("kron", (a, b))  # type: ignore[arg-type]

    def _times(self, other: Expr, inner: Expr) -> Expr | None:
        """The Jacobian of ``other * inner`` (entry-wise or broadcast)."""
        alg = self.alg
        if alg.scalar(other):
            return alg.mul(other, self.jacobian(inner))
        if alg.scalar(inner):  # a vector times a scalar differential: an outer product
            return alg.matmul(alg.column(other), self.jacobian(inner))
        return alg.matmul(Call("diag", (other,)), self.jacobian(inner))

    def _jacobian_product(self, left: Expr, right: Expr) -> Expr | None:
        alg = self.alg
        inner, other, on_left = self._split(left, right)
        inner_shape = alg.shapes.of(inner)
        if not on_left:
            if is_vector(inner_shape):  # L @ dv
                return alg.matmul(other, self.jacobian(inner))
            # a row times a matrix differential: its entries are M.T @ L.T
            return self._matrix_times(alg.transpose(inner), alg.transpose(other))  # type: ignore[arg-type]
        if is_vector(inner_shape):  # a row differential times R: entries R.T @ dv.T
            return alg.matmul(alg.transpose(other), self.jacobian(inner))
        return self._matrix_times(inner, other)

    def _matrix_times(self, node: Expr, v: Expr | None) -> Expr | None:
        """The Jacobian of ``node @ v`` for a matrix differential ``node`` and a
        constant column ``v``."""
        if v is None:
            raise Unsupported("a matrix by a vector is a tensor")
        alg = self.alg
        match node:
            case Unary(op=op, operand=operand):
                inner = self._matrix_times(operand, v)
                return alg.neg(inner) if op == "-" else inner
            case Binary(op="+", left=left, right=right):
                return alg.add(self._matrix_times(left, v), self._matrix_times(right, v))
            case Binary(op="-", left=left, right=right):
                return alg.sub(self._matrix_times(left, v), self._matrix_times(right, v))
            case Call(func="diag", args=(inner,)):
                return alg.matmul(Call("diag", (v,)), self.jacobian(inner))
            case Binary(op="*", left=left, right=right):
                inner, other, _left = self._split(left, right)
                if alg.scalar(other):
                    return alg.mul(other, self._matrix_times(inner, v))
                if alg.scalar(inner):
                    return alg.matmul(alg.matmul(other, v), self.jacobian(inner))
            case Binary(op="@", left=left, right=right):
                inner, other, on_left = self._split(left, right)
                if on_left and alg.shapes.of(inner) and not is_vector(alg.shapes.of(inner)):
                    return self._matrix_times(inner, alg.matmul(other, v))
                if on_left:  # dv @ r.T: (r.T @ v) dv
                    return alg.mul(alg.matmul(other, v), self.jacobian(inner))
                if not is_vector(alg.shapes.of(inner)):
                    return alg.matmul(other, self._matrix_times(inner, v))
                # c @ dv.T: c (v.T @ dv)
                return alg.matmul(alg.matmul(other, alg.transpose(v)), self.jacobian(inner))
        raise Unsupported("Jacobian of a matrix differential")


"""The matrix functions of the language: trace, det, inv, logdet, vec, kron, outer,
softmax and logsumexp, on :class:`~.evaluate.Value` operands.

Shapes are checked in the author's size names before any entry is computed. The values
are SymPy expressions SymPy differentiates exactly and cheaply:

- a determinant up to 3 x 3 is the cofactor expansion, left unexpanded (a few products
  of the entries, so ``diff`` and the numeric code stay small); larger ones use
  Berkowitz's division-free method;
- an inverse is the adjugate times ``1/det``, with one shared determinant: SymPy's
  derivative of it stays a rational function of the entries, and ``det**-1`` makes the
  determinant a guard of the sampler (see :func:`..checking.numeric.guard_expressions`),
  so no point near a singular matrix is used;
- ``logdet`` is ``log|det|`` (the Matrix Cookbook's ln|det X|), guarded the same way;
- softmax and logsumexp are written ``exp(v_i) / sum(exp(v))`` and ``log(sum(exp(v)))``,
  forms SymPy proves the usual identities of exactly (the gradient of logsumexp is
  softmax entry for entry). Their values stay within doubles at the sampler's
  coordinates (at most 200 in magnitude, exp(200) ~ 1e87), and the probes are computed
  in 50-digit arithmetic, which does not overflow.

A scalar stands for a 1 x 1 matrix in trace, det, inv and logdet: the language makes
every 1 x 1 product a scalar, and ``trace(x.T @ A @ x)`` is the trace trick.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from ..errors import DomainError
from ..words import _
from . import shapes
from .evaluate import Scope, Value, scalar

#: Up to this size a determinant is the cofactor expansion (3! = 6 products).
COFACTOR_SIZE = 3


def determinant(matrix: sympy.Matrix) -> sympy.Expr:
    """The determinant of a square SymPy matrix, unexpanded where it is small."""
    size = matrix.rows
    if size == 1:
        return matrix[0, 0]
    if size == 2:
        return matrix[0, 0] * matrix[1, 1] - matrix[0, 1] * matrix[1, 0]
    if size <= COFACTOR_SIZE:
        return sympy.Add(*[(-1) ** j * matrix[0, j] * determinant(_minor(matrix, 0, j))
                           for j in range(size) if matrix[0, j] != 0])
    return matrix.det(method="berkowitz")


def _minor(matrix: sympy.Matrix, row: int, col: int) -> sympy.Matrix:
    return matrix.minor_submatrix(row, col)


def adjugate(matrix: sympy.Matrix) -> sympy.Matrix:
    """The transposed matrix of cofactors."""
    size = matrix.rows
    if size == 1:
        return sympy.Matrix([[1]])
    return sympy.Matrix(size, size, lambda i, j: (-1) ** (i + j) * determinant(
        _minor(matrix, j, i)))


def _square(value: Value, func: str, scope: Scope) -> sympy.Matrix:
    """``value`` as a square SymPy matrix (a scalar as 1 x 1), or a shape error."""
    if value.is_scalar:
        return sympy.Matrix([[value.data]])
    rows, cols = value.shape
    if not shapes.same_dim(rows, cols):
        raise scope.shape_error(_("{func}() takes a square matrix, but its argument is "
                                  "{shape}").format(func=func,
                                                    shape=shapes.describe(value.shape)))
    return value.data


def _nonsingular(det: sympy.Expr, func: str, scope: Scope) -> None:
    """A matrix singular for every value of its entries has no inverse anywhere; one
    with piecewise entries (relu(x) on the diagonal) may be singular on a whole region,
    where the inverse has no value: noted, so that 0*inv(...) has none there either."""
    if _identically_zero(det):
        if scope.sizes:
            # (X.T @ C @ X with X of m x n is singular at every size with m < n: a
            # Cookbook identity that assumes m >= n)
            raise DomainError(_("{func}() of a matrix that is singular everywhere at "
                                "{sizes}: its determinant is identically 0 there; if "
                                "the claim holds only at some sizes, say which in "
                                ":where: (as m >= n)").format(
                                    func=func, sizes=", ".join(
                                        f"{k}={v}" for k, v in scope.sizes.items())),
                              line=scope.line)
        raise DomainError(_("{func}() of a matrix that is singular everywhere: its "
                            "determinant is identically 0").format(func=func),
                          line=scope.line)
    if det.has(sympy.Piecewise, sympy.Max, sympy.Min, sympy.Abs, sympy.sign,
               sympy.Heaviside):
        scope.context.domain.append(1 / det)


def _identically_zero(expr: sympy.Expr) -> bool:
    """Whether ``expr`` (a polynomial in the entries) is 0 for every value of its
    symbols. First at a few exact rational points (a nonzero value there settles it,
    cheaply); only if it vanishes at all of them, by expanding it."""
    if expr == 0:
        return True
    symbols = sorted(expr.free_symbols, key=str)
    for k in range(3):
        point = {s: sympy.Rational(3 * i + 2 + k, 5 + 4 * k + i) for i, s in
                 enumerate(symbols)}
        value = expr.xreplace(point)
        if value.is_number and value != 0:
            return False
    return sympy.expand(expr) == 0


def trace(value: Value, scope: Scope) -> Value:
    matrix = _square(value, "trace", scope)
    return scalar(sympy.Add(*[matrix[i, i] for i in range(matrix.rows)]))


def det(value: Value, scope: Scope) -> Value:
    return scalar(determinant(_square(value, "det", scope)))


def inv(value: Value, scope: Scope) -> Value:
    matrix = _square(value, "inv", scope)
    d = determinant(matrix)
    _nonsingular(d, "inv", scope)
    if value.is_scalar:
        return scalar(1 / d)
    # adj / det entry by entry, never multiplied out: one guard, small derivatives.
    return Value(value.shape, adjugate(matrix).applyfunc(lambda e: e * d**-1))


def logdet(value: Value, scope: Scope) -> Value:
    d = determinant(_square(value, "logdet", scope))
    _nonsingular(d, "logdet", scope)
    return scalar(sympy.log(sympy.Abs(d)))


def vec(value: Value, scope: Scope) -> Value:
    """The columns of a matrix stacked into one column vector."""
    if value.is_scalar:
        raise scope.shape_error(_("vec() takes a matrix or a vector, not a scalar"))
    rows, cols = value.data.shape
    data = sympy.Matrix([value.data[i, j] for j in range(cols) for i in range(rows)])
    # column by column: entry (i, j) of the matrix, with what it needs
    needs = tuple(value.needs[i * cols + j] for j in range(cols) for i in range(rows)) \
        if value.needs else ()
    return Value((value.shape[0] * value.shape[1], sympy.Integer(1)), data, needs)


def kron(left: Value, right: Value, scope: Scope) -> Value:
    """The Kronecker product; a scalar operand scales the other, as in NumPy."""
    if left.is_scalar or right.is_scalar:
        return _scaled(left, right)
    a, b = left.data, right.data
    shape = (left.shape[0] * right.shape[0], left.shape[1] * right.shape[1])
    data = sympy.Matrix(a.rows * b.rows, a.cols * b.cols, lambda i, j: a[
        i // b.rows, j // b.cols] * b[i % b.rows, j % b.cols])
    return _fitted(Value(shape, data))


def _scaled(left: Value, right: Value) -> Value:
    if left.is_scalar and right.is_scalar:
        return scalar(left.data * right.data)
    factor, array = (left, right) if left.is_scalar else (right, left)
    return Value(array.shape, array.data.applyfunc(lambda e: factor.data * e))


def _fitted(value: Value) -> Value:
    """A result that is 1 x 1 at every size is a scalar, as for ``@``."""
    if shapes.is_one_by_one(value.shape):
        return scalar(value.data[0, 0])
    return value


def _is_vector(shape: shapes.Shape) -> bool:
    return bool(shape) and (shapes.same_dim(shape[0], 1) or shapes.same_dim(shape[1], 1))


def _length(shape: shapes.Shape) -> shapes.Dim:
    return shape[1] if shapes.same_dim(shape[0], 1) else shape[0]


def _vector(value: Value, func: str, scope: Scope) -> sympy.Matrix:
    """``value``'s entries as a column, or a shape error naming what it is."""
    if not _is_vector(value.shape):
        hint = (_("; declare vectors in :wrt: or :vars: (undeclared names are scalars)")
                if value.is_scalar else "")
        raise scope.shape_error(_("{func}() takes a vector, but its argument is "
                                  "{shape}{hint}").format(
            func=func, shape=shapes.describe(value.shape), hint=hint))
    return sympy.Matrix(list(value.data))


def outer(left: Value, right: Value, scope: Scope) -> Value:
    """``a @ b.T`` of two vectors (rows or columns alike, as NumPy flattens them)."""
    a, b = _vector(left, "outer", scope), _vector(right, "outer", scope)
    shape = (_length(left.shape), _length(right.shape))
    return _fitted(Value(shape, a * b.T))


def softmax(value: Value, scope: Scope) -> Value:
    """``exp(v) / sum(exp(v))``, of a vector only: of a matrix it would be ambiguous
    (over all entries, or each row, or each column, as libraries differ)."""
    entries = _vector(value, "softmax", scope)
    exps = entries.applyfunc(sympy.exp)
    total = sympy.Add(*exps)
    return Value(value.shape, sympy.Matrix(*value.data.shape, [e / total for e in exps]))


def logsumexp(value: Value, scope: Scope) -> Value:
    """``log(sum(exp(v)))`` over every entry of a vector or a matrix (as SciPy's
    ``logsumexp`` without an axis); of a scalar it is the scalar itself."""
    entries = [value.data] if value.is_scalar else list(value.data)
    return scalar(sympy.log(sympy.Add(*[sympy.exp(e) for e in entries])))


#: The matrix functions by name, each taking its evaluated arguments and the scope.
MATRIX_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "trace": trace, "tr": trace, "det": det, "inv": inv, "logdet": logdet, "vec": vec,
    "kron": kron, "outer": outer, "softmax": softmax, "logsumexp": logsumexp,
}

"""Derivatives: Jacobians in either layout, and chain-rule factorisations.

Everything is flattened to the scalar case, as the chain rule of the chapter does:
outputs become a list of entries, the ``:wrt:`` variables a list of scalar symbols, and
the derivative is SymPy's Jacobian of one by the other (numerator layout: one row per
output). Matrices are flattened by vec (column by column), so a derivative by a matrix
is d vec(F) / d vec(X); :func:`arrange` then gives it the shape the directive states
(a scalar by a matrix has the matrix's shape, see DESIGN 9). The layout is applied last.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..language.problem import Problem
from ..language.syntax import Declaration
from . import shapes
from .differentiate import jacobian
from .evaluate import Value
from .instance import Instance, vec_entries
from .shapes import Shape


def entries(value: Value) -> list[sympy.Expr]:
    """The entries of a value in vec order (a matrix column by column)."""
    return vec_entries(value)


def output_dim(value: Value) -> shapes.Dim:
    """How many entries a value has, as a dimension."""
    if value.is_scalar:
        return sympy.Integer(1)
    rows, cols = value.shape
    return sympy.expand(rows * cols)


def is_matrix(shape: Shape) -> bool:
    """Whether ``shape`` is a matrix's (neither scalar nor vector) at generic sizes."""
    return bool(shape) and not (shapes.same_dim(shape[0], 1) or shapes.same_dim(shape[1], 1))


def _by_matrix(problem: Problem) -> Declaration | None:
    """The one matrix of ``:wrt:`` when it is alone there, else None."""
    wrt = [d for d in problem.wrt if d not in problem.components]
    if len(problem.wrt) == 1 and wrt and len(wrt[0].dims) == 2:
        return wrt[0]
    return None


def arrangement(problem: Problem, output: Value) -> str:
    """How the derivative is laid out (DESIGN 9):

    ``"matrix"``: a scalar by one matrix X, X's shape in denominator layout (the Matrix
    Cookbook's) and its transpose in numerator layout; ``"entrywise"``: a matrix by one
    scalar, the matrix's shape in either layout; ``"flat"``: everything else, the
    Jacobian d vec(F) / d [vec(X); y; ...] in the layout (a Hessian: symmetric).
    """
    if problem.kind == "hessian":
        return "flat"
    if output.is_scalar and _by_matrix(problem) is not None:
        return "matrix"
    if is_matrix(output.shape) and len(problem.wrt) == 1 and (
            not problem.wrt[0].dims or problem.wrt[0] in problem.components):
        return "entrywise"
    return "flat"


def wrt_dim(problem: Problem) -> shapes.Dim:
    """The number of scalar variables in ``:wrt:``, as a dimension."""
    # A component w[j] is one scalar variable; a matrix X[m, n] is m*n of them.
    dims = []
    for d in problem.wrt:
        if not d.dims or d in problem.components:
            dims.append(sympy.Integer(1))
        else:
            dims.append(sympy.Mul(*(shapes.dim(k) for k in d.dims)))
    return sympy.expand(shapes.total(dims))


def derivative_shape(problem: Problem, output: Value) -> Shape:
    """The shape of the derivative in the problem's layout."""
    how = arrangement(problem, output)
    if how == "matrix":
        rows, cols = (shapes.dim(k) for k in _by_matrix(problem).dims)  # type: ignore
        return (rows, cols) if problem.layout == "denominator" else (cols, rows)
    if how == "entrywise":
        return output.shape  # type: ignore[return-value]
    if problem.kind == "hessian":
        return (wrt_dim(problem), wrt_dim(problem))
    shape = (output_dim(output), wrt_dim(problem))
    return shape if problem.layout == "numerator" else (shape[1], shape[0])


def in_layout(matrix: sympy.Matrix, layout: str) -> sympy.Matrix:
    return matrix if layout == "numerator" else matrix.T


def flat_derivative(problem: Problem, instance: Instance) -> sympy.Matrix:
    """The numerator-layout Jacobian of vec(output) by the ``:wrt:`` symbols (in vec
    order): what finite differences check. For a Hessian, the Jacobian of the function
    and its gradient, stacked: the gradient row over the Hessian."""
    outputs = entries(instance.output)
    first = jacobian(outputs, instance.wrt_symbols)
    if problem.kind != "hessian":
        return first
    return first.col_join(jacobian(list(first), instance.wrt_symbols))


def flat_outputs(problem: Problem, instance: Instance, flat: sympy.Matrix
                 ) -> list[sympy.Expr]:
    """What :func:`flat_derivative` differentiated: vec(output), then for a Hessian the
    gradient's entries (so the Hessian is checked against the gradient numerically, and
    the gradient against the function)."""
    outputs = entries(instance.output)
    return outputs + (list(flat[0, :]) if problem.kind == "hessian" else [])


def arrange(problem: Problem, instance: Instance, flat: sympy.Matrix) -> sympy.Matrix:
    """The derivative as the directive states it, from :func:`flat_derivative`."""
    how = arrangement(problem, instance.output)
    if problem.kind == "hessian":
        return flat[1:, :]
    if how == "matrix":
        rows, cols = instance.scope_values[_by_matrix(problem).name].data.shape  # type: ignore
        # Column by column, as vec ordered the symbols.
        shaped = sympy.Matrix(rows, cols, lambda i, j: flat[0, j * rows + i])
        return shaped if problem.layout == "denominator" else shaped.T
    if how == "entrywise":
        rows, cols = instance.output.data.shape
        return sympy.Matrix(rows, cols, lambda i, j: flat[j * rows + i, 0])
    return in_layout(flat, problem.layout)


def flatten(problem: Problem, instance: Instance, matrix: sympy.Matrix) -> sympy.Matrix:
    """The inverse of :func:`arrange`: ``matrix`` (a claim) as the flat numerator-layout
    Jacobian, to set beside the chain-rule factors."""
    how = arrangement(problem, instance.output)
    if how == "matrix":
        shaped = matrix if problem.layout == "denominator" else matrix.T
        return sympy.Matrix([list(shaped.T)])
    if how == "entrywise":
        return sympy.Matrix(list(matrix.T))
    return matrix if problem.kind == "hessian" else in_layout(matrix, problem.layout)


def derivative(problem: Problem, instance: Instance) -> sympy.Matrix:
    """The derivative of the composed output by the ``:wrt:`` variables, as stated."""
    return arrange(problem, instance, flat_derivative(problem, instance))


@dataclass
class Factor:
    """One factor of a chain rule: d(top)/d(bottom), with its local matrix."""

    top: str
    bottom: str | None  # None: the :wrt: variables
    matrix: sympy.Matrix
    partial: bool = False  # rendered with a partial sign (total-derivative form)


@dataclass
class Chain:
    """A chain-rule factorisation: a product of factors, or a sum of products."""

    form: str  # "product" or "total"
    terms: list[list[Factor]]
    value: sympy.Matrix  # the factorisation evaluated and composed, numerator layout


def chain(problem: Problem, instance: Instance) -> Chain:
    """Factor the derivative of the last definition along the definitions.

    A pure composition (each definition uses only the one before it, and only the first
    uses the variables) gives a product ``dy/dg_k ... dg_1/dx``. Otherwise the output
    uses the variables or several definitions directly, and we give the total-derivative
    form ``dy/dx = ∂y/∂x + Σ_j ∂y/∂u_j du_j/dx``.
    """
    definitions = problem.definitions
    substitution = instance.substitution
    wrt = instance.wrt_symbols
    depends = [_uses(instance, i) for i in range(len(definitions))]
    pure = all(
        (i == 0 and not deps[0]) or (i > 0 and deps[0] == {i - 1} and not deps[1])
        for i, deps in enumerate(depends))
    if pure:
        factors = []
        for i in reversed(range(len(definitions))):
            below = instance.placeholders[i - 1] if i else wrt
            factors.append(Factor(definitions[i].name,
                                  definitions[i - 1].name if i else None,
                                  jacobian(entries(instance.local[i]), below)))
        value = _compose(sympy.Matrix(factors[0].matrix), factors[1:], substitution)
        return Chain("product", [factors], value)
    top = len(definitions) - 1
    outputs = entries(instance.local[top])
    direct = Factor(definitions[top].name, None, jacobian(outputs, wrt), partial=True)
    terms = [[direct]]
    value = direct.matrix.xreplace(substitution)
    for j in sorted(depends[top][0]):
        partial = Factor(definitions[top].name, definitions[j].name,
                         jacobian(outputs, instance.placeholders[j]), partial=True)
        total = jacobian(entries(instance.composed[j]), wrt)
        inner = Factor(definitions[j].name, None, total)
        terms.append([partial, inner])
        value = value + partial.matrix.xreplace(substitution) * total
    return Chain("total", terms, value)


def _compose(first: sympy.Matrix, rest: list[Factor],
             substitution: dict[sympy.Symbol, sympy.Expr]) -> sympy.Matrix:
    product = first.xreplace(substitution)
    for factor in rest:
        product = product * factor.matrix.xreplace(substitution)
    return product


def _uses(instance: Instance, index: int) -> tuple[set[int], bool]:
    """Which earlier definitions, and whether any variable, definition ``index`` uses."""
    free: set[sympy.Symbol] = set()
    for entry in entries(instance.local[index]):
        free |= entry.free_symbols
    definitions = {j for j in range(index)
                   if free & set(instance.placeholders[j])}
    return definitions, bool(free & set(instance.wrt_symbols))

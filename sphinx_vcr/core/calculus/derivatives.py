"""Derivatives: Jacobians in either layout, and chain-rule factorisations.

Everything is flattened to the scalar case, as the chain rule of the chapter does:
outputs become a list of entries, the ``:wrt:`` variables a list of scalar symbols, and
the derivative is SymPy's Jacobian of one by the other (numerator layout: one row per
output). The layout is applied last, by transposing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..errors import ShapeError
from ..language.problem import Problem
from ..words import N_, _
from . import shapes
from .differentiate import jacobian
from .evaluate import Value
from .instance import Instance
from .shapes import Shape


def entries(value: Value, what: str = N_("the function")) -> list[sympy.Expr]:
    """The entries of a scalar or vector value, in order; ``what`` names it in a
    message (an English phrase marked with :func:`.words.N_`)."""
    if value.is_scalar:
        return [value.data]
    rows, cols = value.shape
    if not (shapes.same_dim(rows, 1) or shapes.same_dim(cols, 1)):
        raise ShapeError(_("{what} is {shape}; derivatives of matrices are not supported "
                           "(they are tensors)").format(what=_(what),
                                                        shape=shapes.describe(value.shape)))
    return list(value.data)


def output_dim(value: Value) -> shapes.Dim:
    """How many outputs a scalar or vector value has, as a dimension."""
    if value.is_scalar:
        return sympy.Integer(1)
    rows, cols = value.shape
    return cols if shapes.same_dim(rows, 1) else rows


def wrt_dim(problem: Problem) -> shapes.Dim:
    """The number of scalar variables in ``:wrt:``, as a dimension."""
    # A component w[j] is one scalar variable.
    return shapes.total([shapes.dim(d.dims[0]) if d.dims and d not in problem.components
                         else sympy.Integer(1) for d in problem.wrt])


def derivative_shape(problem: Problem, output: Value) -> Shape:
    """The shape of the derivative in the problem's layout."""
    shape = (output_dim(output), wrt_dim(problem))
    return shape if problem.layout == "numerator" else (shape[1], shape[0])


def in_layout(matrix: sympy.Matrix, layout: str) -> sympy.Matrix:
    return matrix if layout == "numerator" else matrix.T


def derivative(problem: Problem, instance: Instance) -> sympy.Matrix:
    """The derivative of the composed output by the ``:wrt:`` variables, in layout."""
    outputs = entries(instance.output)
    return in_layout(jacobian(outputs, instance.wrt_symbols), problem.layout)


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
    for entry in entries(instance.local[index], N_("a definition")):
        free |= entry.free_symbols
    definitions = {j for j in range(index)
                   if free & set(instance.placeholders[j])}
    return definitions, bool(free & set(instance.wrt_symbols))

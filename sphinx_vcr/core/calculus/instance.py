"""A problem at one instantiation of its sizes: concrete SymPy objects to work on.

:func:`instantiate` evaluates a :class:`~.problem.Problem` at one assignment of the
generic sizes (``n = 2``): its variables become symbols (``w_1, w_2``), its definitions
SymPy values both "local" (earlier definitions as placeholder symbols, for chain-rule
factors) and "composed" (everything in the variables), and its ``:where:`` conditions
SymPy relations. The calculus and the numeric checks work on the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..errors import DomainError, ShapeError, SizeExcluded
from ..language.problem import Problem, about
from ..language.syntax import Declaration, names_in
from ..words import _
from . import shapes
from .evaluate import Scope, Value, check_entry_clash, condition_entries, evaluate
from .shapes import Shape


@dataclass
class Instance:
    """A problem evaluated at one assignment of sizes."""

    sizes: dict[str, int]
    wrt_symbols: list[sympy.Symbol]
    param_symbols: list[sympy.Symbol]
    #: Each definition with earlier definitions as placeholder symbols ("local").
    local: list[Value]
    #: Placeholder symbols for each definition (its entries), and its composed value.
    placeholders: list[list[sympy.Symbol]]
    composed: list[Value]
    #: What every name means with definitions composed (for the claim).
    scope_values: dict[str, Value]
    conditions: list[sympy.Basic]
    styles: dict[str, str]

    #: The function being differentiated: the last definition, or for a Jacobian of
    #: several ``name = expr`` lines, all of them stacked.
    output: Value

    @property
    def substitution(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Placeholder symbol -> composed expression, for every definition."""
        subs: dict[sympy.Symbol, sympy.Expr] = {}
        for symbols, value in zip(self.placeholders, self.composed):
            entries = [value.data] if value.is_scalar else list(value.data)
            subs.update(zip(symbols, entries))
        return subs


def variable(decl: Declaration, sizes: dict[str, int]) -> Value:
    """The symbolic value of a declared variable at ``sizes``."""
    if not decl.dims:
        return Value((), sympy.Symbol(decl.name, real=True))
    dims = [shapes.dim(d) for d in decl.dims]
    counts = [shapes.concrete(d, sizes) for d in dims]
    if len(dims) == 1:
        data = sympy.Matrix(counts[0], 1, lambda i, _col: sympy.Symbol(
            f"{decl.name}_{i + 1}", real=True))
        return Value((dims[0], sympy.Integer(1)), data)
    data = sympy.Matrix(counts[0], counts[1], lambda i, j: sympy.Symbol(
        f"{decl.name}_{i + 1}{j + 1}" if max(counts) < 10 else f"{decl.name}_{i + 1},{j + 1}",
        real=True))
    return Value((dims[0], dims[1]), data)


def _placeholder(name: str, value: Value) -> tuple[Value, list[sympy.Symbol]]:
    if value.is_scalar:
        symbol = sympy.Symbol(name, real=True)
        return Value((), symbol), [symbol]
    rows, cols = value.data.shape
    if cols == 1 or rows == 1:
        symbols = [sympy.Symbol(f"{name}_{i + 1}", real=True) for i in range(rows * cols)]
    else:
        symbols = [sympy.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
                   for i in range(rows) for j in range(cols)]
    return Value(value.shape, sympy.Matrix(rows, cols, symbols)), symbols


def style_of(shape: Shape) -> str:
    """``scalar``, ``vector`` or ``matrix``: how a name of this shape is typeset."""
    if not shape:
        return "scalar"
    if shapes.same_dim(shape[1], 1) or shapes.same_dim(shape[0], 1):
        return "vector"
    return "matrix"


def instantiate(problem: Problem, sizes: dict[str, int]) -> Instance:
    """Evaluate the definitions and conditions of ``problem`` at ``sizes``."""
    values: dict[str, Value] = {}
    wrt_symbols: list[sympy.Symbol] = []
    param_symbols: list[sympy.Symbol] = []
    for decls, symbols in ((problem.wrt, wrt_symbols), (problem.params, param_symbols)):
        for decl in decls:
            value = variable(decl, sizes)
            values[decl.name] = value
            symbols.extend([value.data] if value.is_scalar else list(value.data))
    styles = {name: style_of(v.shape) for name, v in values.items()}
    local_values = dict(values)
    composed_values = dict(values)
    local, composed, placeholders = [], [], []
    for definition in problem.definitions:
        local_scope = Scope(local_values, sizes, definition.line)
        value = evaluate(definition.expr, local_scope)
        full = evaluate(definition.expr, Scope(composed_values, sizes, definition.line))
        placeholder, symbols = _placeholder(definition.name, value)
        local.append(value)
        composed.append(full)
        placeholders.append(symbols)
        local_values[definition.name] = placeholder
        composed_values[definition.name] = full
        styles[definition.name] = style_of(value.shape)
    _check_component_clash(local_values)
    # Parameters that were not declared are scalars found while evaluating.
    for name in local_values:
        if name not in styles:
            styles[name] = "scalar"
    conditions: list[sympy.Basic] = []
    with about("where"):
        for condition in problem.where:
            value = evaluate(condition, Scope(composed_values, sizes))
            entries = condition_entries(value)
            if sympy.false in entries:
                if names_in(condition) & set(sizes):
                    raise SizeExcluded(_("{sizes} is outside :where:").format(sizes=sizes))
                raise DomainError(_(":where: condition never holds"))
            conditions.extend(e for e in entries if e is not sympy.true)
    output = composed[-1]
    if problem.kind == "jacobian" and len(composed) > 1:
        output = _stack(problem, composed)
    return Instance(sizes, wrt_symbols, param_symbols, local, placeholders, composed,
                    composed_values, conditions, styles, output)


def _stack(problem: Problem, values: list[Value]) -> Value:
    """The component functions of a Jacobian, one under the other."""
    for definition, value in zip(problem.definitions, values):
        if not value.is_scalar and not shapes.same_dim(value.shape[1], 1):
            raise ShapeError(_("{name} is {shape}; each line of a jacobian is a scalar or "
                               "a column vector").format(name=definition.name,
                                                         shape=shapes.describe(value.shape)),
                             line=definition.line)
    blocks = [sympy.Matrix([[v.data]]) if v.is_scalar else v.data for v in values]
    rows = shapes.total([sympy.Integer(1) if v.is_scalar else v.shape[0] for v in values])
    return Value((rows, sympy.Integer(1)), sympy.Matrix.vstack(*blocks))


def claim_value(problem: Problem, instance: Instance, expected_shape: Shape) -> Value:
    """Evaluate ``:expect:``; ``I`` is the identity when the derivative is square."""
    assert problem.expect is not None
    values = dict(instance.scope_values)
    if len(expected_shape) == 2 and shapes.same_dim(*expected_shape):
        size = shapes.concrete(expected_shape[0], instance.sizes)
        values.setdefault("I", Value(expected_shape, sympy.eye(size)))
    with about("expect"):
        return evaluate(problem.expect, Scope(values, instance.sizes))


def _check_component_clash(values: dict[str, Value]) -> None:
    """No scalar name may be the SymPy symbol of a vector's entry (``w_1`` of ``w``)."""
    for name, value in values.items():
        if value.is_scalar:
            check_entry_clash(name, values)

"""What a directive asks: the function, the variables, the claim; built from text.

:func:`build_problem` turns a directive's argument, content lines and option strings
into a :class:`Problem` (parsing everything, so syntax errors surface before any
mathematics). :func:`instantiate` then evaluates it at one assignment of the generic
sizes, giving an :class:`Instance` of concrete SymPy objects that the calculus and the
numeric checks work on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sympy

from . import shapes
from .errors import DomainError, ParseError, ShapeError, SizeExcluded, VcrError
from .evaluate import Scope, Value, check_entry_clash, condition_entries, evaluate
from .parse import (
    is_definition,
    parse_conditions,
    parse_declarations,
    parse_definition,
    parse_expression,
)
from .shapes import Shape
from .syntax import Declaration, Definition, Expr, names_in

KINDS = ("derivative", "gradient", "jacobian", "chain-rule")
OPTIONS = ("wrt", "vars", "expect", "where", "layout", "mistake")
LAYOUTS = ("numerator", "denominator")


@dataclass(frozen=True)
class Problem:
    """A parsed directive: everything needed to compute, check and render it."""

    kind: str
    definitions: tuple[Definition, ...]
    wrt: tuple[Declaration, ...]
    params: tuple[Declaration, ...] = ()
    expect: Expr | None = None
    where: tuple[Expr, ...] = ()
    layout: str = "numerator"
    mistake: bool = False
    #: ``True`` when the body was one expression rather than ``name = expr`` lines.
    anonymous: bool = False

    @property
    def size_names(self) -> list[str]:
        """The generic sizes, in order of first appearance."""
        names: list[str] = []
        for decl in (*self.wrt, *self.params):
            for d in decl.dims:
                if isinstance(d, str) and d not in names:
                    names.append(d)
        return names

    @property
    def output(self) -> Definition:
        return self.definitions[-1]


def build_problem(kind: str, argument: str, content: list[str],
                  options: dict[str, str | None], default_layout: str = "numerator"
                  ) -> Problem:
    """Parse a directive's text into a :class:`Problem` (raises :class:`VcrError`)."""
    if kind not in KINDS:
        raise ParseError(f"unknown directive kind {kind!r}")
    _check_options(options)
    if "wrt" not in options or not (options["wrt"] or "").strip():
        raise ParseError(":wrt: is required: name the variables to differentiate "
                         "with respect to, such as :wrt: x or :wrt: w[n], b")
    with _about("wrt"):
        wrt = parse_declarations(options["wrt"] or "", "wrt")
    with _about("vars"):
        params = parse_declarations(options["vars"], "vars") if options.get("vars") else ()
    _check_declarations(wrt, params)
    definitions, anonymous = _body(kind, argument, content)
    layout = (options.get("layout") or default_layout).strip()
    if layout not in LAYOUTS:
        raise ParseError(f":layout: must be numerator or denominator, not {layout!r}",
                         option="layout")
    expect = options.get("expect")
    where = options.get("where")
    if expect is not None and not expect.strip():
        raise ParseError(":expect: is empty; give the claimed derivative", option="expect")
    with _about("expect"):
        claim = parse_expression(expect) if expect else None
    with _about("where"):
        conditions = parse_conditions(where) if where and where.strip() else ()
    problem = Problem(
        kind=kind, definitions=definitions, wrt=wrt, params=params, expect=claim,
        where=conditions, layout=layout, mistake="mistake" in options,
        anonymous=anonymous)
    if problem.mistake and problem.expect is None:
        raise ParseError(":mistake: marks a wrong :expect: claim, but there is no :expect:")
    _check_definitions(problem)
    return problem


@contextmanager
def _about(option: str) -> Iterator[None]:
    """Tag errors raised in the block as being about ``option``."""
    try:
        yield
    except VcrError as err:
        err.option = err.option or option
        raise


def _check_options(options: dict[str, str | None]) -> None:
    """Unknown options are our error (counted, failing the build), not docutils'."""
    for option in options:
        if option not in OPTIONS:
            close = difflib.get_close_matches(option, OPTIONS, n=1)
            hint = f"; did you mean :{close[0]}:?" if close else ""
            raise ParseError(f"unknown option :{option}:{hint} The options are "
                             + ", ".join(f":{o}:" for o in (*OPTIONS, "name")),
                             option=option)
    if (options.get("mistake") or "").strip():
        raise ParseError(":mistake: is a flag and takes no value", option="mistake")


def _check_declarations(wrt: tuple[Declaration, ...],
                        params: tuple[Declaration, ...]) -> None:
    wrt_names = {d.name for d in wrt}
    for decl in params:
        if decl.name in wrt_names:
            raise ParseError(f"{decl.name!r} is in both :wrt: and :vars:")
    for decl in wrt:
        if len(decl.dims) > 1:
            raise ShapeError(f"{decl.name} is a matrix; :wrt: takes scalars and vectors "
                             "(differentiating by a matrix gives a tensor)")
    sizes = {d for decl in (*wrt, *params) for d in decl.dims if isinstance(d, str)}
    clash = sizes & (wrt_names | {d.name for d in params})
    if clash:
        raise ParseError(f"{sorted(clash)[0]!r} is used both as a size and as a variable")


def _body(kind: str, argument: str, content: list[str]) -> tuple[tuple[Definition, ...], bool]:
    lines = [(i, line) for i, line in enumerate(content) if line.strip()]
    if argument.strip() and lines:
        raise ParseError("give the expression either after the directive name or in the "
                         "body, not both", line=lines[0][0])
    if argument.strip():
        lines = [(None, argument)]
    if not lines:
        raise ParseError(f"the {kind} directive has no expression: write it after "
                         f"'.. {kind}::' or in the indented body")
    if kind == "chain-rule" or (len(lines) > 1 and kind == "jacobian"):
        definitions = tuple(parse_definition(text, line) for line, text in lines)
        names = [d.name for d in definitions]
        for d in definitions:
            if names.count(d.name) > 1:
                raise ParseError(f"{d.name!r} is defined twice", line=d.line)
        if kind == "chain-rule" and len(definitions) < 2:
            raise ParseError("a chain rule needs at least two definitions, from the "
                             "inside out, such as 'u = x**2' then 'y = sin(u)'",
                             line=definitions[0].line)
        return definitions, False
    if len(lines) > 1:
        raise ParseError(f"the {kind} directive takes one expression; use jacobian or "
                         "chain-rule for several lines", line=lines[1][0])
    line, text = lines[0]
    if is_definition(text) and kind == "jacobian":
        return (parse_definition(text, line or 0),), False
    # "_f" cannot be written in the language, so it never meets an author's name.
    return (Definition("_f", parse_expression(text, line=line), line or 0, text.strip()),), True


def _check_definitions(problem: Problem) -> None:
    if problem.anonymous:
        return
    declared = {d.name for d in (*problem.wrt, *problem.params)}
    for index, definition in enumerate(problem.definitions):
        if not problem.anonymous and definition.name in declared:
            raise ParseError(f"{definition.name!r} is declared in :wrt: or :vars: and "
                             "cannot be defined again", line=definition.line)
        later = {d.name for d in problem.definitions[index:]}
        used = names_in(definition.expr) & later
        if used:
            raise ParseError(f"{definition.name} uses {sorted(used)[0]}, which is defined "
                             "at or after this line: define from the inside out",
                             line=definition.line)


def size_assignments(problem: Problem, sizes: tuple[int, ...]) -> list[dict[str, int]]:
    """The instantiations of the generic sizes that every claim must survive.

    Different size names get different values in each instantiation (when there are
    enough sizes), so a claim that confuses ``n`` with ``N`` cannot pass by accident.
    """
    names = problem.size_names
    if not names:
        return [{}]
    assignments = [{name: sizes[(i + k) % len(sizes)] for k, name in enumerate(names)}
                   for i in range(len(sizes))]
    if len(names) > len(sizes):
        # Rotation alone leaves some names equal in every instantiation: add one where
        # all of them differ.
        assignments.append({name: 2 + k for k, name in enumerate(names)})
    return assignments


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
        data = sympy.Matrix(counts[0], 1, lambda i, _: sympy.Symbol(
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
    _check_component_clash(values)
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
    with _about("where"):
        for condition in problem.where:
            value = evaluate(condition, Scope(composed_values, sizes))
            entries = condition_entries(value)
            if sympy.false in entries:
                if names_in(condition) & set(sizes):
                    raise SizeExcluded(f"{sizes} is outside :where:")
                raise DomainError(":where: condition never holds")
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
            raise ShapeError(f"{definition.name} is {shapes.describe(value.shape)}; each "
                             "line of a jacobian is a scalar or a column vector",
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
    with _about("expect"):
        return evaluate(problem.expect, Scope(values, instance.sizes))


def _check_component_clash(values: dict[str, Value]) -> None:
    """No scalar name may be the SymPy symbol of a vector's entry (``w_1`` of ``w``)."""
    for name, value in values.items():
        if value.is_scalar:
            check_entry_clash(name, values)

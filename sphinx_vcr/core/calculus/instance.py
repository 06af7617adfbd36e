"""A problem at one instantiation of its sizes: concrete SymPy objects to work on.

:func:`instantiate` evaluates a :class:`~.problem.Problem` at one assignment of the
generic sizes (``n = 2``): its variables become symbols (``w_1, w_2``), its definitions
SymPy values both "local" (earlier definitions as placeholder symbols, for chain-rule
factors) and "composed" (everything in the variables), and its ``:where:`` conditions
SymPy relations. The calculus and the numeric checks work on the result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import sympy

from ..checking.replacements import REPLACEMENTS, replacement
from ..errors import DomainError, ParseError, ShapeError, SizeExcluded
from ..language.problem import Problem, about, size_assignments
from ..language.syntax import Compare, Declaration, Expr, names_in
from ..symbolic.walk import distinct_nodes_of
from ..words import _
from . import shapes
from .evaluate import Context, Scope, Value, check_entry_clash, condition_entries, evaluate
from .functions import Model, Undefined
from .indexfree.text import to_text
from .shapes import Shape
from .structure import Structure, structure_of

T = TypeVar("T")


@dataclass(frozen=True)
class Case:
    """One instantiation a claim must survive: sizes, a value for every free index,
    and which replacement stands in for the abstract functions (see
    :mod:`..checking.replacements`), seeded by ``seed``."""

    sizes: dict[str, int]
    indices: dict[str, int] = field(default_factory=dict)
    replacement: int = 0
    seed: int = 0
    #: The abstract functions as SymPy's undefined functions, not replaced.
    symbolic: bool = False

    @property
    def assignment(self) -> dict[str, int]:
        """Sizes and free indices together, as a message names them."""
        return {**self.sizes, **self.indices}


def cases(problem: Problem, sizes: tuple[int, ...], seed: int) -> list[Case]:
    """Every case a claim of ``problem`` must survive, at the sizes ``sizes``.

    Each assignment of the generic sizes (:func:`.size_assignments`), with every value of
    every free index. With abstract functions, the replacements are paired with the
    size assignments in turn, so that each is tried at one size at least, and each size
    with one of them: their families are unrelated (see :mod:`..checking.replacements`),
    so that no wrong rule holds for one of them by accident.
    """
    assignments = size_assignments(problem, sizes)
    count = REPLACEMENTS if problem.functions else 1
    found = []
    for k in range(max(len(assignments), count)):
        assignment = assignments[k % len(assignments)]
        ranges = [range(1, _length(problem, name, assignment) + 1)
                  for name in problem.indices.free]
        for values in itertools.product(*ranges):
            found.append(Case(assignment, dict(zip(problem.indices.free, values)),
                              k % count, seed))
    return found


def every_replacement(problem: Problem, planned: list[Case], done: list[Case]
                      ) -> Iterator[Case]:
    """The ``planned`` cases, then, for each replacement that no case in ``done`` (the
    caller's list of the cases checked) used, the cases of the largest sizes checked with
    it: a ``:where:`` on the sizes (n > 2) excludes the sizes that some replacements
    were paired with, and each must still be tried."""
    yield from planned
    if not problem.functions or not done:
        return
    used = {c.replacement for c in done}
    largest = max(done, key=lambda c: sorted(c.sizes.values(), reverse=True)).sizes
    # A list, not a view of done: the caller appends to it as these are checked.
    at_largest = list({repr(c.indices): c for c in done if c.sizes == largest}.values())
    for missing in range(REPLACEMENTS):
        if missing not in used:
            yield from [dataclasses.replace(c, replacement=missing) for c in at_largest]


#: How many different replacements a claim with abstract functions must be checked with.
MIN_REPLACEMENTS = 2


def check_replacements(problem: Problem, done: list[Case]) -> None:
    """Raise unless the claim met several replacements: where its region (or domain)
    holds for one family of stand-ins only, every case fell back to it, and a rule true
    for that family alone would pass (see :func:`alternatives`)."""
    used = {c.replacement for c in done}
    if problem.functions and done and len(used) < MIN_REPLACEMENTS:
        raise DomainError(_("the region (or the domain) of this claim holds at the sample "
                            "points for only {count} of the {total} concrete functions that "
                            "stand in for the abstract ones, so a general rule cannot be "
                            "checked; widen the region").format(count=len(used),
                                                                 total=REPLACEMENTS),
                          option="where" if problem.where else None)


def alternatives(problem: Problem, case: Case) -> list[Case]:
    """``case``, then the same with each other replacement of the abstract functions: a
    region such as ``f(x) > 0`` may hold nowhere for one replacement (an exponential
    part bounded on one side), which says nothing about the claim."""
    if not problem.functions:
        return [case]
    return [dataclasses.replace(case, replacement=(case.replacement + k) % REPLACEMENTS)
            for k in range(REPLACEMENTS)]


def first_that_samples(problem: Problem, case: Case, run: Callable[[Case], T]) -> T:
    """``run(case)``, or with another replacement of the abstract functions where the
    region held at no sample point for this one (see :func:`alternatives`)."""
    tries = alternatives(problem, case)
    for attempt in tries[:-1]:
        try:
            return run(attempt)
        except DomainError:
            continue
    return run(tries[-1])


def _length(problem: Problem, index: str, sizes: dict[str, int]) -> int:
    return shapes.concrete(shapes.dim(problem.indices.ranges[index]), sizes)


def models(problem: Problem, case: Case) -> dict[str, Model | Undefined]:
    """The concrete stand-in of every abstract function at ``case`` (or, for the
    symbolic case, the functions themselves)."""
    if case.symbolic:
        return {name: Undefined(name, arity) for name, arity in problem.functions}
    found: dict[str, Model | Undefined] = {}
    for position, (name, arity) in enumerate(problem.functions):
        params, body = replacement(name, arity, case.replacement, position, case.seed)
        found[name] = Model(params, body)
    return found


def context(problem: Problem, case: Case, functions: dict[str, Model] | None = None
            ) -> Context:
    """What indices and abstract functions mean at ``case``."""
    return Context(dict(case.indices), dict(problem.indices.ranges),
                   models(problem, case) if functions is None else functions,
                   problem.layout)


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
    case: Case = field(default_factory=lambda: Case({}))
    context: Context = field(default_factory=Context)
    #: Dependent entries (structure, equality constraints): see :mod:`.structure`.
    structure: Structure = field(default_factory=Structure)

    def scope(self, values: dict[str, Value] | None = None, line: int | None = None
              ) -> Scope:
        """A scope of this instance: its composed values (or ``values``), its indices
        and functions."""
        return Scope(dict(self.scope_values) if values is None else values, self.sizes,
                     line, self.context)

    @property
    def substitution(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Placeholder symbol -> composed expression, for every definition."""
        subs: dict[sympy.Symbol, sympy.Expr] = {}
        for symbols, value in zip(self.placeholders, self.composed):
            subs.update(zip(symbols, vec_entries(value)))
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
        entry_name(decl.name, i, j, max(counts)), real=True))
    return Value((dims[0], dims[1]), data)


def entry_name(name: str, i: int, j: int, size: int) -> str:
    """The symbol of entry (i, j) (0-based) of a matrix whose largest size is ``size``:
    ``X_12``, or ``X_1,12`` from size 10 on, where ``X_111`` would be both (1, 11) and
    (11, 1)."""
    return f"{name}_{i + 1}{j + 1}" if size < 10 else f"{name}_{i + 1},{j + 1}"


def _placeholder(name: str, value: Value) -> tuple[Value, list[sympy.Symbol]]:
    if value.is_scalar:
        symbol = sympy.Symbol(name, real=True)
        return Value((), symbol), [symbol]
    rows, cols = value.data.shape
    if cols == 1 or rows == 1:
        symbols = [sympy.Symbol(f"{name}_{i + 1}", real=True) for i in range(rows * cols)]
    else:
        symbols = [sympy.Symbol(entry_name(name, i, j, max(rows, cols)), real=True)
                   for i in range(rows) for j in range(cols)]
    placeholder = Value(value.shape, sympy.Matrix(rows, cols, symbols))
    # In vec order, as the chain-rule factors differentiate by them.
    return placeholder, vec_entries(placeholder)


def style_of(shape: Shape) -> str:
    """``scalar``, ``vector`` or ``matrix``: how a name of this shape is typeset."""
    if not shape:
        return "scalar"
    if shapes.same_dim(shape[1], 1) or shapes.same_dim(shape[0], 1):
        return "vector"
    return "matrix"


def declared(problem: Problem, case: Case
             ) -> tuple[dict[str, Value], list[sympy.Symbol], list[sympy.Symbol]]:
    """The values of the declared names at ``case``, the symbols differentiated by and
    the parameters' symbols. A component ``w[j]`` of ``:wrt:`` is the entry ``w_j`` of
    the vector ``w`` of ``:vars:``; the other entries stay parameters."""
    sizes = case.sizes
    values: dict[str, Value] = {}
    param_symbols: list[sympy.Symbol] = []
    for decl in problem.params:
        values[decl.name] = variable(decl, sizes)
        param_symbols.extend(vec_entries(values[decl.name]))
    wrt_symbols: list[sympy.Symbol] = []
    components = problem.components
    # In the order of :wrt:, which is the order of the derivative's columns.
    for decl in problem.wrt:
        if decl in components:
            at = [case.indices[d] - 1 for d in decl.dims]  # type: ignore[index]
            data = values[decl.name].data
            symbol = data[at[0]] if len(at) == 1 else data[at[0], at[1]]
            wrt_symbols.append(symbol)
            param_symbols.remove(symbol)
        else:
            values[decl.name] = variable(decl, sizes)
            wrt_symbols.extend(vec_entries(values[decl.name]))
    return values, wrt_symbols, param_symbols


def vec_entries(value: Value) -> list[sympy.Expr]:
    """The entries of a value in vec order: a matrix column by column (DESIGN 9, the
    Cookbook's vec), so that a derivative by a matrix is d vec(F) / d vec(X)."""
    if value.is_scalar:
        return [value.data]
    # SymPy flattens by rows; the transpose's rows are the columns.
    return list(value.data.T)


def let_value(expr: Expr, scope: Scope) -> Value:
    """A :let:'s value, with what it needs kept in it: each form that uses the name
    needs it (a claim ``0*L`` with ``L = log(x)`` has no value at x < 0), not the
    forms that do not."""
    notes: list[sympy.Expr] = []
    quotes: dict[sympy.Basic, Expr] = {}
    value = evaluate(expr, Scope(scope.values, scope.sizes, scope.line,
                                 dataclasses.replace(scope.context, domain=notes,
                                                     quotes=quotes)))
    if not notes:
        return value
    return dataclasses.replace(value, notes=tuple(notes),
                               quoted=tuple(quotes.get(note) for note in notes))


def instantiate(problem: Problem, case: Case | dict[str, int]) -> Instance:
    """Evaluate the definitions and conditions of ``problem`` at ``case`` (or at sizes)."""
    if not isinstance(case, Case):
        case = Case(case)
    sizes = case.sizes
    values, wrt_symbols, param_symbols = declared(problem, case)
    where = context(problem, case)
    _check_sizes(problem, Scope(values, sizes, None, where))
    styles = {name: style_of(v.shape) for name, v in values.items()}
    with about("let"):
        for let in problem.lets:  # each a name for its value, in the variables
            values[let.name] = let_value(let.expr, Scope(values, sizes, None, where))
            styles[let.name] = style_of(values[let.name].shape)
    local_values = dict(values)
    composed_values = dict(values)
    local, composed, placeholders = [], [], []
    for definition in problem.definitions:
        local_scope = Scope(local_values, sizes, definition.line, where)
        value = evaluate(definition.expr, local_scope)
        full = evaluate(definition.expr, Scope(composed_values, sizes, definition.line,
                                               where))
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
    sources: dict[sympy.Basic, str] = {}
    conditions = region(problem, Scope(composed_values, sizes, None, where), sources)
    # Structure and equality constraints: which entries depend on others (.structure).
    with about("where"):
        structure, conditions = structure_of((*problem.wrt, *problem.params), values,
                                             conditions, sources)
    if structure and problem.kind == "derivation":
        raise ParseError(_("a derivation cannot take structured parameters or equality "
                           "constraints yet; check the identity with .. gradient:: or "
                           ".. jacobian::"), option="where" if problem.where else "vars")
    # A derivation has no definitions: its forms are evaluated step by step.
    output = composed[-1] if composed else Value((), sympy.Integer(0))
    if problem.kind == "jacobian" and len(composed) > 1:
        output = _stack(problem, composed)
    return Instance(sizes, wrt_symbols, param_symbols, local, placeholders, composed,
                    composed_values, conditions, styles, output, case, where, structure)


def _check_sizes(problem: Problem, scope: Scope) -> None:
    """Raise :class:`SizeExcluded` if a ``:where:`` condition on sizes alone (``m >=
    n``) excludes these sizes: before anything is evaluated there, since the function
    may have no value at all at such sizes (``inv(X.T @ C @ X)`` with ``X`` of m x n,
    m < n)."""
    with about("where"):
        for condition in problem.where:
            names = names_in(condition)
            if not names or not names <= set(scope.sizes):
                continue
            # On sizes alone a condition is true or false, unless a side has no real
            # value there (log(n - 2) > 0 at n = 1, left unevaluated or refused by
            # SymPy as an "invalid comparison of non-real"): then it does not hold.
            try:
                holds = all(e is sympy.true
                            for e in condition_entries(evaluate(condition, scope)))
            except TypeError:
                holds = False
            if not holds:
                raise SizeExcluded(_("{sizes} is outside :where:").format(
                    sizes=scope.sizes))


def region(problem: Problem, scope: Scope, sources: dict[sympy.Basic, str] | None = None
           ) -> list[sympy.Basic]:
    """The ``:where:`` conditions in ``scope``, one relation per entry (raises
    :class:`SizeExcluded` where they exclude the sizes themselves). ``sources``, if
    given, receives the author's text of the condition each relation comes from, so
    that messages quote what was written rather than one instance of it."""
    conditions: list[sympy.Basic] = []
    with about("where"):
        for condition in problem.where:
            entries = condition_entries(evaluate(condition, scope))
            if sympy.false in entries:
                if names_in(condition) & set(scope.sizes):
                    raise SizeExcluded(_("{sizes} is outside :where:").format(
                        sizes=scope.sizes))
                raise DomainError(_(":where: condition never holds"))
            kept = [e for e in entries if e is not sympy.true]
            conditions.extend(kept)
            if sources is not None and isinstance(condition, Compare) \
                    and "==" in condition.ops:
                # No author's syntax for some (an abstract function): SymPy's form then.
                with contextlib.suppress(ValueError):
                    sources.update((e, to_text(condition)) for e in kept)
    return conditions


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


def claim_value(problem: Problem, instance: Instance, expected_shape: Shape,
                domain: list[sympy.Expr] | None = None,
                quotes: dict[sympy.Basic, Expr] | None = None) -> Value:
    """Evaluate ``:expect:``; ``I`` is the identity when the derivative is square.
    ``domain``, if given, receives what must have a value wherever the claim has one
    (see :attr:`.evaluate.Context.domain`), and ``quotes`` the claim's text of each
    (:attr:`.evaluate.Context.quotes`)."""
    assert problem.expect is not None
    values = dict(instance.scope_values)
    if len(expected_shape) == 2 and shapes.same_dim(*expected_shape):
        size = shapes.concrete(expected_shape[0], instance.sizes)
        values.setdefault("I", Value(expected_shape, sympy.eye(size)))
    scope = instance.scope(values)
    scope.context = dataclasses.replace(scope.context, domain=[] if domain is None
                                        else domain, quotes={} if quotes is None
                                        else quotes)
    with about("expect"):
        return evaluate(problem.expect, scope)


def _check_component_clash(values: dict[str, Value]) -> None:
    """No scalar name may be the SymPy symbol of a vector's entry (``w_1`` of ``w``)."""
    for name, value in values.items():
        if value.is_scalar:
            check_entry_clash(name, values)


_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
_UNDEFINED_NODES = frozenset(_UNDEFINED)


def _undefined_everywhere(expr: sympy.Basic) -> bool:
    """Whether ``expr`` has no value at any point: an infinity not inside a where()
    branch, or in every branch. One branch's ``1/0`` counts only where that branch is
    taken (the derivative of ``where(x > 0, sqrt(x), 0)`` divides by the inner where(),
    which is 0 only where the outer one does not take it); the points judge it there."""
    if expr in _UNDEFINED:
        return True
    if not expr.has(*_UNDEFINED):
        return False
    if isinstance(expr, sympy.Piecewise):
        return (all(_undefined_everywhere(e) for e, _c in expr.args)
                or _undefined_everywhere(expr.args[0].cond))
    return any(_undefined_everywhere(a) for a in expr.args)


def check_defined(exprs: list[sympy.Expr], what: str, option: str | None = None,
                  line: int | None = None) -> None:
    """``x/0`` or ``log(0*x)`` evaluate to SymPy's infinities: undefined everywhere.

    ``what`` names the expressions, as an English phrase marked with :func:`.words.N_`.
    """
    # (one walk of the distinct nodes first: SymPy's has() visits every copy)
    if any(node in _UNDEFINED_NODES for node in distinct_nodes_of(exprs)) \
            and any(_undefined_everywhere(e) for e in exprs):
        raise DomainError(_("{what} is undefined everywhere (a division by zero or the log "
                            "of zero)").format(what=_(what)), option=option, line=line)

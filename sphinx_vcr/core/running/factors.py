"""The index-free values of a chain rule's factors, each verified as a claim.

At generic sizes a chain rule's factors cannot be written out as matrices; they are
written by value instead, as a person would (∂C/∂v = 2/N vᵀ, ∂v/∂u = -I,
∂u/∂z = diag(𝟙[z > 0]), ∂z/∂w = X). Each factor is a derivative of its own: of one
definition by the definition below it (or by the ``:wrt:`` variables), with every
other name held constant, exactly as :func:`..calculus.derivatives.chain` builds its
matrix. :func:`factor_problem` states that derivative as a directive of its own, the
engine of :mod:`.derived` derives its index-free form, and the caller's ``holds``
verifies that form as the claim of that directive, at every instantiated size, before
it may be shown. A factor whose form is not found or does not verify has no value
(``None``): the page keeps its symbol and says so.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from ..calculus.derivatives import Chain, Factor
from ..calculus.indexfree.derive import inline
from ..calculus.indexfree.shape import Unsupported
from ..language.lets import Let
from ..language.problem import Problem
from ..language.syntax import Declaration, Definition, Expr, names_in
from .derived import index_free, shapes_of

#: Verifies a tree as the claim of a problem: whether it holds (see :func:`values`).
Holds = Callable[[Problem, Expr, str], bool]
#: A factor's verified index-free value, ``None`` where none was found or verified;
#: aligned with the chain's terms and their factors.
Values = list[list[Expr | None]]


def unknown(factorisation: Chain) -> Values:
    """No value for any factor yet."""
    return [[None] * len(term) for term in factorisation.terms]


def fill(problem: Problem, factorisation: Chain, holds: Holds, found: Values) -> None:
    """Set in ``found`` the verified index-free value of every factor, one by one (so
    that a time limit that ends the work keeps those already verified)."""
    for t, term in enumerate(factorisation.terms):
        for f, factor in enumerate(term):
            found[t][f] = _value(problem, factor, holds)


def _value(problem: Problem, factor: Factor, holds: Holds) -> Expr | None:
    try:
        sub = factor_problem(problem, factor)
    except MemoryError:
        raise
    except Exception:  # a shape the engine cannot infer: no value, never a failure
        return None
    if sub is None:
        return None
    derived = index_free(sub)
    if derived is None:
        return None
    # The seed's key names the factor: its points are its own, not the directive's.
    key = f"factor|{factor.top}|{factor.bottom}|{factor.partial}"
    return derived.tree if holds(sub, derived.tree, key) else None


def factor_problem(problem: Problem, factor: Factor) -> Problem | None:
    """The derivative that ``factor`` is, as a directive of its own (no claim, no
    region: a factor's value holds wherever it is defined), or ``None`` where an
    intermediate's shape cannot be declared (a size such as ``n + 1``)."""
    definitions = problem.definitions
    index = next(i for i, d in enumerate(definitions) if d.name == factor.top)
    top = definitions[index]
    try:
        declared = _declarations(problem)
    except Unsupported:
        return None
    lets = problem.lets
    if factor.bottom is not None:
        # ∂top/∂bottom: every other name of top's definition held constant.
        wrt = (declared[factor.bottom],)
        held = [*problem.wrt, *_used(top, definitions, declared, skip=factor.bottom)]
    elif factor.partial or index == 0:
        # ∂top/∂x with the definitions held constant (the first factor of a product
        # uses the variables alone).
        wrt, held = problem.wrt, _used(top, definitions, declared)
    else:
        # d top/dx, total: the definitions below it are names of the expression.
        wrt, held = problem.wrt, []
        lets = (*lets, *(Let(d.name, d.expr, d.text) for d in definitions[:index]))
    if not _flat(declared[top.name], wrt):
        return None
    output = Definition("_f", top.expr, top.line, top.text)
    return Problem(kind=_kind(top, wrt, declared), definitions=(output,),
                   wrt=tuple(wrt), params=(*problem.params, *held), layout=problem.layout,
                   anonymous=True, lets=lets)


def _flat(top: Declaration, wrt: tuple[Declaration, ...]) -> bool:
    """Whether the factor's directive lays its derivative out as the chain does,
    d vec(top) / d vec(wrt): a scalar by a matrix has the matrix's shape instead (or
    its transpose), and a matrix by one scalar is entry-wise, so a value verified there
    would be another arrangement of the factor's entries than the one multiplied."""
    if not top.dims:
        return not any(len(d.dims) == 2 for d in wrt)
    return not (len(top.dims) == 2 and len(wrt) == 1 and not wrt[0].dims)


def _declarations(problem: Problem) -> dict[str, Declaration]:
    """Every definition as a declaration of its shape, in the author's size names."""
    env = shapes_of(problem)  # the lets and every definition but the output
    output = problem.output
    env.declare(output.name, env.of(inline(output.expr, {}, env)))
    return {d.name: Declaration(d.name, _dims(env.names[d.name]))
            for d in problem.definitions}


def _dims(shape: tuple) -> tuple[int | str, ...]:
    """A shape as the dimensions of a declaration (a row as a matrix of one row: its
    vec is its entries in order, as the chain counts them); a size that is not one
    name or number cannot be declared."""
    if not shape:
        return ()
    rows, cols = (_dim(d) for d in shape)
    return (rows,) if cols == 1 else (rows, cols)


def _dim(d: sympy.Expr) -> int | str:
    if isinstance(d, sympy.Integer):
        return int(d)
    if isinstance(d, sympy.Symbol):
        return d.name
    raise Unsupported(f"the size {d} is not a name")


def _used(top: Definition, definitions: tuple[Definition, ...],
          declared: dict[str, Declaration], skip: str | None = None) -> list[Declaration]:
    """The definitions that ``top`` uses, other than ``skip``, as constants."""
    names = names_in(top.expr)
    return [declared[d.name] for d in definitions if d.name in names and d.name != skip]


def _kind(top: Definition, wrt: tuple[Declaration, ...],
          declared: dict[str, Declaration]) -> str:
    """The directive that computes the factor: a scalar by one scalar is a derivative,
    a scalar by anything else a gradient, an array a Jacobian."""
    scalar = not declared[top.name].dims
    if scalar and len(wrt) == 1 and not wrt[0].dims:
        return "derivative"
    return "gradient" if scalar else "jacobian"

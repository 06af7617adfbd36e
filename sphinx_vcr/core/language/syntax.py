"""The expression tree of the sphinx-vcr language.

The parser (:mod:`.parse`) turns text into these small immutable nodes; the evaluator
(:mod:`.evaluate`) turns them into SymPy values and the LaTeX printer (:mod:`.latex`)
into math. Keeping our own tree, rather than Python's ``ast``, means every later stage
only ever sees constructs that passed the whitelist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction


@dataclass(frozen=True)
class Num:
    """An exact number: ``2``, ``0.5`` and ``1e-3`` are all rationals."""

    value: Fraction


@dataclass(frozen=True)
class Const:
    """A named constant (``pi``)."""

    name: str


@dataclass(frozen=True)
class Name:
    """A variable, parameter, definition, component (``g1``) or size name."""

    id: str


@dataclass(frozen=True)
class Unary:
    """``-a`` or ``+a``."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    """``a op b`` for op in ``+ - * / ** @``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    """A call of a whitelisted function."""

    func: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class ArrayLit:
    """``[a, b]`` (a column vector) or ``[[a, b], [c, d]]`` (a matrix by rows)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Transpose:
    """``a.T``."""

    operand: Expr


@dataclass(frozen=True)
class Compare:
    """``a < b`` or a chain ``a < b <= c``; only inside conditions."""

    ops: tuple[str, ...]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Subscript:
    """``x[i]`` (a component), ``X[i, j]`` (an entry) or ``X[i]`` (a row, as a column):
    a declared array subscripted by indices of ``:index:``."""

    base: str
    indices: tuple[str, ...]


@dataclass(frozen=True)
class FunctionRef:
    """An abstract function of ``:functions:`` or one of its derivatives: ``f`` is
    ``FunctionRef("f", ())``, ``D(f)`` is ``("f", (1,))``, ``D(f, 2)`` the partial by
    the second argument, ``D(D(f))`` ``("f", (1, 1))``: the arguments differentiated by,
    in order, 0 meaning "the only argument" (``D(f)`` rather than ``D(f, 1)``). Only ever
    the callee of an :class:`Apply`."""

    name: str
    orders: tuple[int, ...] = ()


@dataclass(frozen=True)
class Apply:
    """An abstract function (or a derivative of one) applied: ``D(f)(g(x))``."""

    func: FunctionRef
    args: tuple[Expr, ...]


Expr = (Num | Const | Name | Unary | Binary | Call | ArrayLit | Transpose | Compare
        | Subscript | Apply)


@dataclass(frozen=True)
class Definition:
    """One content line ``name = expr``; ``line`` is its 0-based content index."""

    name: str
    expr: Expr
    line: int
    text: str


@dataclass(frozen=True)
class Declaration:
    """One entry of ``:wrt:`` or ``:vars:``: ``x``, ``x[3]``, ``w[n]``, ``X[N, n]``,
    and a square matrix's structure, ``S[n, n] symmetric`` (``""``: none)."""

    name: str
    dims: tuple[int | str, ...]
    structure: str = ""


def walk(node: Expr):
    """Yield ``node`` and every node below it."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``node``."""
    if isinstance(node, Unary | Transpose):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call | Apply):
        return node.args
    if isinstance(node, ArrayLit):
        return node.items
    if isinstance(node, Compare):
        return node.operands
    return ()


def with_children(node: Expr, new: tuple[Expr, ...]) -> Expr:
    """``node`` with its direct sub-expressions (:func:`children`) replaced by ``new``."""
    if isinstance(node, Unary | Transpose):
        return replace(node, operand=new[0])
    if isinstance(node, Binary):
        return replace(node, left=new[0], right=new[1])
    if isinstance(node, Call | Apply):
        return replace(node, args=new)
    if isinstance(node, ArrayLit):
        return replace(node, items=new)
    if isinstance(node, Compare):
        return replace(node, operands=new)
    return node


def substituted(node: Expr, old: Expr, new: Expr) -> Expr:
    """``node`` with every sub-expression equal to ``old`` replaced by ``new``."""
    if node == old:
        return new
    return with_children(node, tuple(substituted(c, old, new) for c in children(node)))


def component_of(name: str) -> tuple[str, int] | None:
    """``("g", 1)`` for ``g1``, which names entry 1 of a vector ``g`` if there is one."""
    stem = name.rstrip("0123456789")
    if not stem or stem == name:
        return None
    return stem, int(name[len(stem):])


def names_in(node: Expr) -> set[str]:
    """Every name used in ``node``."""
    return ({n.id for n in walk(node) if isinstance(n, Name)}
            | {n.base for n in walk(node) if isinstance(n, Subscript)})


#: Calls whose arguments after the first name indices: ``sum(expr, i)``,
#: ``vector(expr, i)``, ``row(expr, j)``, ``matrix(expr, i, j)``.
BINDERS = ("sum", "vector", "row", "matrix")


def bound_by(node: Call) -> tuple[str, ...]:
    """The indices a call binds (``("i",)`` for ``sum(x[i], i)``), else ``()``."""
    if node.func in BINDERS and len(node.args) > 1:
        return tuple(a.id for a in node.args[1:] if isinstance(a, Name))
    return ()


def functions_in(node: Expr) -> set[str]:
    """Every abstract function applied in ``node``."""
    return {n.func.name for n in walk(node) if isinstance(n, Apply)}

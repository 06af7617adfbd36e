"""Index notation, checked before any mathematics: what each index runs over.

An index of ``:index:`` subscripts declared arrays (``x[i]``, ``X[i, j]``, the row
``X[i]``), is bound by ``sum``, ``vector``, ``row`` and ``matrix``, and compared by
``delta``. Its range is the length of what it subscripts, the same everywhere in a
directive (two different lengths are an error, not a guess). An index used somewhere
without a binder around it is *free*: the directive states its claim for every value
of it, and the checks enumerate them all (:mod:`..calculus.instance`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..errors import ParseError, ShapeError
from ..words import _
from .syntax import BINDERS, Call, Declaration, Expr, Name, Subscript, children

#: One expression of a directive and where it is: its content line, or its option.
Located = tuple[Expr, int | None, str | None]


@dataclass
class IndexInfo:
    """The range of every index (a size name or a fixed size) and the free ones."""

    ranges: dict[str, int | str] = field(default_factory=dict)
    free: tuple[str, ...] = ()


@dataclass
class _Use:
    """How one index was used: the lengths it subscripts, and whether it was free."""

    lengths: dict[int | str, str] = field(default_factory=dict)  # length -> what
    free: bool = False
    bound: bool = False
    #: Indices compared with this one by delta(): a range shared where it has none.
    partners: set[str] = field(default_factory=set)


def analyse(trees: Iterable[Located], index: tuple[str, ...],
            declarations: dict[str, tuple[int | str, ...]],
            components: Iterable[Declaration] = ()) -> IndexInfo:
    """Check every use of an index in ``trees`` and infer the ranges.

    ``declarations`` gives each declared name its dimensions; ``components`` are the
    ``:wrt:`` entries that name a component (``w[j]``).
    """
    uses = {name: _Use() for name in index}
    trees = list(trees)
    for decl in components:
        _subscripts(decl.name, decl.dims, declarations, uses, None, "wrt")  # type: ignore
        for name in decl.dims:
            uses[name].free = True  # type: ignore[index]
    for tree, line, option in trees:
        _Walker(uses, declarations, line, option).visit(tree, frozenset())
    for tree, line, option in trees:
        _check_shadowing(tree, {n for n, u in uses.items() if u.free}, line, option)
    _share_through_delta(uses)
    info = IndexInfo()
    for name, use in uses.items():
        if not use.free and not use.bound:
            raise ParseError(_("index {name} is declared in :index: but not used")
                             .format(name=name), option="index")
        info.ranges[name] = _range(name, use)
    info.free = tuple(n for n in index if uses[n].free)
    return info


def _share_through_delta(uses: dict[str, _Use]) -> None:
    """``sum(delta(i, j)*w[j], j)``: i runs over what j runs over, if nothing else
    says what it runs over."""
    changed = True
    while changed:
        changed = False
        for use in uses.values():
            if use.lengths:
                continue
            for partner in use.partners:
                if uses[partner].lengths:
                    use.lengths.update(uses[partner].lengths)
                    changed = True
                    break


def _range(name: str, use: _Use) -> int | str:
    if not use.lengths:
        raise ParseError(_("cannot tell what index {name} runs over: it subscripts "
                           "nothing; use it on a vector or matrix, as x[{name}]")
                         .format(name=name), option="index")
    if len(use.lengths) > 1:
        (one, what), (other, where) = list(use.lengths.items())[:2]
        raise ShapeError(_("index {name} runs over {one} in {what} but over {other} in "
                           "{where}: use a different index for each")
                         .format(name=name, one=one, what=what, other=other, where=where),
                         option="index")
    return next(iter(use.lengths))


def _subscripts(base: str, indices: tuple[str, ...],
                declarations: dict[str, tuple[int | str, ...]], uses: dict[str, _Use],
                line: int | None, option: str | None) -> None:
    """Record what ``base[indices]`` says about the ranges; raise if it is wrong."""
    text = f"{base}[{', '.join(indices)}]"
    for name in indices:
        if name not in uses:
            raise ParseError(_("{name} in {text} is not an index: declare it in :index:")
                             .format(name=name, text=text), line=line, option=option)
    dims = declarations.get(base)
    if not dims:
        raise ShapeError(_("{text} subscripts {base}, which is not declared as a vector "
                           "or matrix in :wrt: or :vars:").format(text=text, base=base),
                         line=line, option=option)
    if len(indices) > len(dims):
        raise ShapeError(_("{text} has two indices, but {base} is a vector: write "
                           "{base}[{index}]").format(text=text, base=base,
                                                     index=indices[0]),
                         line=line, option=option)
    for k, name in enumerate(indices):
        what = (_("the rows of {base}") if len(dims) == 2 and k == 0 else
                _("the columns of {base}") if len(dims) == 2 else base).format(base=base)
        uses[name].lengths.setdefault(dims[k], what)


class _Walker:
    """One pass over a tree: subscripts, binders, delta, and indices out of place."""

    def __init__(self, uses: dict[str, _Use], declarations: dict[str, tuple[int | str, ...]],
                 line: int | None, option: str | None) -> None:
        self.uses, self.declarations = uses, declarations
        self.line, self.option = line, option

    def fail(self, message: str) -> ParseError:
        return ParseError(message, line=self.line, option=self.option)

    def mark(self, name: str, bound: frozenset[str]) -> None:
        if name in bound:
            self.uses[name].bound = True
        else:
            self.uses[name].free = True

    def visit(self, node: Expr, bound: frozenset[str]) -> None:
        match node:
            case Subscript(base=base, indices=indices):
                _subscripts(base, indices, self.declarations, self.uses, self.line,
                            self.option)
                for name in indices:
                    self.mark(name, bound)
                return
            case Name(id=name) if name in self.uses:
                raise self.fail(_("index {name} is used as a number; an index only "
                                  "subscripts (x[{name}]) and names what sum, vector, row, "
                                  "matrix and delta run over").format(name=name))
            case Call(func="delta", args=args):
                for arg in args:
                    if not (isinstance(arg, Name) and arg.id in self.uses):
                        raise self.fail(_("delta(i, j) takes two indices declared in "
                                          ":index:"))
                    self.mark(arg.id, bound)
                first, second = (a.id for a in args)  # type: ignore[union-attr]
                self.uses[first].partners.add(second)
                self.uses[second].partners.add(first)
                return
            case Call(func=func, args=args) if func in BINDERS and (
                    func != "sum" or len(args) == 2):
                self.binder(node, bound)
                return
        for child in children(node):
            self.visit(child, bound)

    def binder(self, node: Call, bound: frozenset[str]) -> None:
        names = []
        for arg in node.args[1:]:
            if not (isinstance(arg, Name) and arg.id in self.uses):
                raise self.fail(_("{func}() runs over indices declared in :index:, as "
                                  "{func}(x[i], i)").format(func=node.func))
            if arg.id in bound or arg.id in names:
                raise self.fail(_("index {name} is already in use here: use another "
                                  "index for the inner {func}()").format(name=arg.id,
                                                                         func=node.func))
            names.append(arg.id)
            self.uses[arg.id].bound = True
        self.visit(node.args[0], bound | frozenset(names))


def _check_shadowing(node: Expr, free: set[str], line: int | None,
                     option: str | None) -> None:
    """A free index (the claim holds for every value of it) cannot also be run over."""
    for call in _calls(node):
        for name in (a.id for a in call.args[1:] if isinstance(a, Name)):
            if name in free and call.func in BINDERS:
                raise ParseError(_("index {name} is free in this directive (the claim is "
                                   "for every {name}) and cannot also be run over by "
                                   "{func}(): use another index").format(
                    name=name, func=call.func), line=line, option=option)


def _calls(node: Expr) -> Iterator[Call]:
    if isinstance(node, Call):
        yield node
    for child in children(node):
        yield from _calls(child)

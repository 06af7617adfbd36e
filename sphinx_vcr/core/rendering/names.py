"""How the names of one directive are written in LaTeX: each one distinctly.

:func:`.latex.name` gives a name its usual form, and two names of one directive can
share it: ``x2`` and ``x_2`` are both x_2, matrices ``a`` and ``A`` both bold A, and a
scalar ``w1`` looks like the first entry w_1 of a vector ``w``. A verified page could
then show a false formula (d/dx_2 (x_2 x_2) = x_2). :func:`names_of` gives every name
of a directive (declared, defined, used, and the generic sizes) its usual form unless
that form is taken, and then the first of these other forms that it has:

1. a lower-case matrix name keeps its case (bold a beside A);
2. a name with an empty part after an underscore (``x_``, ``x__2``), whose usual form
   drops that part, is written as spelled, underscores and all;
3. a number that ends a name without an underscore stays on the line (``x2`` beside
   ``x_2``, or beside a vector ``x`` whose entries are x_1, x_2, ...).

In a clash only the names with the earliest such rule change (the name whose usual form
lost the most), so only names that clash change at all. A clash that no rule resolves
(``x_1_2`` beside the entry (1, 2) of a 12 x 12 matrix ``x``) is a located error that
names both. Entries of vectors and matrices (SymPy's symbols ``w_1``, ``X_12``) are
written from their array's form, so the SymPy results of a directive match its names.
The symbols of functions and constants a name could look like are kept apart too: the
constant pi, and sigmoid (sigma), the identity (I_n), Euler's number (e) and the step
function (theta), which are written otherwise in a directive with such a name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy

from ..errors import ParseError
from ..language.syntax import component_of, names_in
from ..words import _
from .latex import GREEK, name, name_parts, split_name

if TYPE_CHECKING:
    from ..calculus.instance import Instance
    from ..language.problem import Problem

#: The other forms of a name, earliest first: a clash moves the names whose next form
#: comes earliest here (it undoes the step of the usual form that lost the most).
MOVES = ("keep_case", "spelled", "inline", "underscored")
#: The flag of :func:`.latex.name` that each move sets: "underscored" writes any name
#: with an underscore as spelled (``w_n`` as w\_n beside a vector w, whose entries
#: w_1, w_2 make w_n read as its n-th entry), the last resort, as it is the least natural.
_FLAG = {"keep_case": "keep_case", "spelled": "spelled", "inline": "inline",
         "underscored": "spelled"}
#: Any subscript (letters too: w_{n} beside a vector w reads as its n-th entry).
_SUBSCRIPT = re.compile(r"[^{}]+")
#: Fixed LaTeX that no name may take: the language's constant pi.
_RESERVED = {r"\pi": "pi"}


class _Item:
    """One name of the directive and the other forms it has taken so far."""

    def __init__(self, text: str, style: str) -> None:
        self.text = text
        self.style = style
        self.applied: list[str] = []

    def flags(self, *skip: str) -> dict[str, bool]:
        """The flags of :func:`.latex.name` that the moves made so far set."""
        return {_FLAG[m]: True for m in self.applied if m not in skip}

    @property
    def latex(self) -> str:
        return name(self.text, self.style, **self.flags())

    @property
    def array(self) -> bool:
        return self.style != "scalar"

    def moves(self) -> list[str]:
        """The other forms still open to this name, earliest first."""
        stem, sub = split_name(self.text)
        open_ = {
            "keep_case": self.style == "matrix" and stem not in GREEK and stem[:1].islower(),
            "spelled": "_" in self.text and "" in self.text.split("_")[1:],
            "inline": "_" not in self.text and sub is not None,
            "underscored": "_" in self.text and "spelled" not in self.applied,
        }
        return [m for m in MOVES if open_[m] and m not in self.applied]

    def entry_prefix(self) -> str:
        """The LaTeX that each entry of this array starts with: ``w_{`` or ``x_{1,``.

        The entries of a matrix shown upper-case are upper-case too (``A_{12}`` of a
        matrix ``a`` shown as bold A), so that a scalar ``A_12`` reads as the entry it
        looks like, and clashes with it, rather than passing for one."""
        text = self.text
        stem = split_name(text)[0]
        if self.style == "matrix" and "keep_case" not in self.applied and stem not in GREEK:
            text = text[0].upper() + text[1:]
        body, sub = name_parts(text, "scalar", **self.flags("keep_case"))
        return body + "_{" + (sub + "," if sub else "")

    def entry(self, index: tuple[int, ...], width: int) -> str:
        """An entry's LaTeX; ``width`` is the array's longest side."""
        prefix = self.entry_prefix()
        # X_{12} is entry (1, 2) only where every index has one digit, and only without
        # a subscript of the array's own before it (x_{1,12} would read as (1, 12)).
        joiner = "" if width < 10 and prefix.endswith("_{") else ","
        return prefix + joiner.join(map(str, index)) + "}"


#: A name written with two letters or more in one piece (a letter and a digit, x2, need
#: no dot: a number on the right of a product is dotted anyway).
_MULTI_LETTER = re.compile(r"\\math(?:it|bf)\{(?:[^{}]*[A-Za-z]){2}")


def _uses(latex: list[str], command: str) -> bool:
    """Whether any of ``latex`` holds ``command`` (``\\theta``, not ``\\thetax``)."""
    pattern = re.compile(re.escape(command) + "(?![A-Za-z])")
    return any(pattern.search(t) for t in latex)


class Names:
    """The LaTeX of every name of one directive, and of its arrays' entries."""

    def __init__(self, items: dict[str, _Item], symbols: dict[sympy.Symbol, str],
                 components: dict[str, sympy.Symbol]) -> None:
        self._items = items
        self._symbols = symbols
        self._components = components
        written = {item.latex for item in items.values()}
        starts = [*written, *symbols.values()]
        #: The LaTeX of the functions and constants that a name could look like.
        # Any form of a name counts: a vector theta (bold) and its entries theta_1 beside
        # a step function theta(x) read as one theta too.
        self.sigmoid = r"\operatorname{sigmoid}" if _uses(starts, r"\sigma") else r"\sigma"
        self.identity = r"\mathrm{I}" if any(t.startswith("I_{") for t in starts) else "I"
        self.plain_e = "e" not in written
        self.plain_theta = not _uses(starts, r"\theta")
        #: Whether delta(i, j) can be written δ_ij: not beside a name written δ.
        self.plain_delta = not _uses(starts, r"\delta")
        #: Whether a product is written with a dot: where some name has several letters
        #: (xy, or a matrix ab as bold Ab), "x y" or "A b" would read as that name.
        self.dotted = any(_MULTI_LETTER.search(t) for t in starts)
        #: The same, of italic names and of bold ones: an italic name beside a bold one
        #: reads as no name, so a scalar times an array needs no dot.
        self.dotted_scalars = any(_MULTI_LETTER.search(t) and r"\mathit{" in t
                                  for t in starts)
        self.dotted_arrays = any(_MULTI_LETTER.search(t) and r"\mathbf{" in t
                                 for t in starts)

    def __call__(self, text: str) -> str:
        """The LaTeX of a name (a component ``g1`` as the entry it is)."""
        if text in self._items:
            return self._items[text].latex
        if text in self._components:
            return self.symbol(self._components[text])
        return name(text)

    def entry_prefix(self, text: str) -> str:
        """How an entry of the array ``text`` starts (``w_{``), for ``w[i]``."""
        item = self._items.get(text) or _Item(text, "vector")
        return item.entry_prefix()

    def symbol(self, symbol: sympy.Symbol) -> str:
        """The LaTeX of a SymPy symbol: an entry of an array, or a name."""
        return self._symbols.get(symbol) or self(symbol.name)

    @property
    def written(self) -> dict[str, str]:
        """Each name of the directive (components aside) and its LaTeX."""
        return {text: item.latex for text, item in self._items.items()}

    @property
    def symbols(self) -> dict[sympy.Symbol, str]:
        """Each SymPy symbol of the directive (names, arrays' entries) and its LaTeX."""
        return dict(self._symbols)

    @property
    def components(self) -> dict[str, sympy.Symbol]:
        """Each component name (``g1``) and the entry symbol it means."""
        return dict(self._components)


def names_of(problem: Problem, instance: Instance) -> Names:
    """Every name of ``problem`` written distinctly at ``instance``; raises
    :class:`~.errors.ParseError` for two names (or entries) that cannot be."""
    components: dict[str, sympy.Symbol] = {}
    items: dict[str, _Item] = {}
    arrays = _arrays(problem, instance)
    for text in sorted(_names_used(problem)):
        symbol = _component(text, problem, instance, arrays)
        if symbol is not None:
            components[text] = symbol
        else:
            items[text] = _Item(text, instance.styles.get(text, "scalar"))
    _resolve(items, arrays)
    return Names(items, _symbols(problem, instance, items, arrays), components)


def _names_used(problem: Problem) -> set[str]:
    """The names a directive shows: declared, defined, used, and its generic sizes."""
    texts = {d.name for d in (*problem.wrt, *problem.params)} | set(problem.size_names)
    texts |= {d.name for d in problem.definitions}
    # The abstract functions too: f and a name written alike would read as one.
    texts |= {name for name, _arity in problem.functions}
    for tree, _line, _option in problem.located():
        texts |= names_in(tree)
    # "_f", the function of a one-expression directive, is never shown.
    return {t for t in texts if not t.startswith("_")}


#: An array's entries: each SymPy symbol with its index, and the array's longest side.
_Array = tuple[list[tuple[sympy.Symbol, tuple[int, ...]]], int]


def _arrays(problem: Problem, instance: Instance) -> dict[str, _Array]:
    """The entries of every declared or defined array, by the array's name."""
    found: dict[str, _Array] = {}
    for decl in (*problem.wrt, *problem.params):
        if decl.dims:
            data = instance.scope_values[decl.name].data
            found[decl.name] = _indexed(data, vector=len(decl.dims) == 1)
    for definition, symbols, value in zip(problem.definitions, instance.placeholders,
                                          instance.local):
        if not value.is_scalar:
            data = sympy.Matrix(*value.data.shape, symbols)
            found[definition.name] = _indexed(data, vector=1 in data.shape)
    return found


def _indexed(data: sympy.Matrix, vector: bool) -> _Array:
    """Entries numbered as :mod:`.instance` names their symbols: ``w_3``, ``X_12``."""
    rows, cols = data.shape
    if vector:
        return [(s, (k + 1,)) for k, s in enumerate(data)], rows * cols
    return ([(data[i, j], (i + 1, j + 1)) for i in range(rows) for j in range(cols)],
            max(rows, cols))


def _component(text: str, problem: Problem, instance: Instance,
               arrays: dict[str, _Array]) -> sympy.Symbol | None:
    """The entry symbol that ``g1`` means (entry 1 of a fixed-length vector ``g``)."""
    split = component_of(text)
    if text in instance.styles or text in problem.size_names or split is None:
        return None
    stem, index = split
    value = instance.scope_values.get(stem)
    if stem not in arrays or value is None or not all(d.is_Integer for d in value.shape) \
            or 1 not in value.shape:
        return None  # a generic vector's "w1" is a name of its own
    entries = arrays[stem][0]
    return entries[index - 1][0] if 1 <= index <= len(entries) else None


#: One side of a clash: the name (or the array whose entry it is), the moves it may
#: make, and how a message names it.
_Party = tuple[_Item, list[str], str]


def _resolve(items: dict[str, _Item], arrays: dict[str, _Array]) -> None:
    """Move names to their other forms until no two things are written alike."""
    while (clash := _first_clash(items, arrays)) is not None:
        latex, parties = clash
        options = [(MOVES.index(moves[0]), item, moves[0]) for item, moves, _s in parties
                   if moves]
        if not options:
            raise ParseError(_("{first} and {second} would both be written {latex} in "
                               "the rendered math; rename one of them").format(
                first=parties[0][2], second=parties[1][2], latex=latex))
        earliest = min(rank for rank, _item, _move in options)
        for rank, item, move in options:
            if rank == earliest:
                item.applied.append(move)


def _first_clash(items: dict[str, _Item], arrays: dict[str, _Array]
                 ) -> tuple[str, list[_Party]] | None:
    """The LaTeX of the first clash and who is in it: names written alike (or like the
    constant pi), a name written like an entry of an array, or two arrays' entries."""
    by_latex: dict[str, list[_Item]] = {}
    for item in items.values():
        by_latex.setdefault(item.latex, []).append(item)
    for latex in sorted(by_latex):
        group = by_latex[latex]
        if len(group) > 1:
            return latex, [(item, item.moves(), repr(item.text)) for item in group]
        if latex in _RESERVED:
            constant = _Item(_RESERVED[latex], "scalar")
            return latex, [(group[0], group[0].moves(), repr(group[0].text)),
                           (constant, [], repr(constant.text))]
    return _entry_clash(items) or _entries_clash(items, arrays)


def _entry_moves(parent: _Item) -> list[str]:
    """The moves that change how an array's entries are written (its case too, as its
    entries follow the case the array is shown in)."""
    return parent.moves()


def _entry_clash(items: dict[str, _Item]) -> tuple[str, list[_Party]] | None:
    """A name written like an entry of an array, at any index (``w5`` beside a vector
    ``w`` of length 3 still reads as its fifth entry)."""
    prefixes = {item.entry_prefix(): item for item in items.values() if item.array}
    for text in sorted(items):
        item = items[text]
        latex = item.latex
        for cut in range(len(latex)):
            parent = prefixes.get(latex[:cut])
            index = latex[cut:-1]
            if parent is None or not latex.endswith("}") or not _SUBSCRIPT.fullmatch(index):
                continue
            # X_{12} of a matrix X is its entry (1, 2); w_{n}, X_{ij} read as entries too
            pair = parent.style == "matrix" and "," not in index and len(index) == 2
            parts = tuple(index) if pair else tuple(index.split(","))
            shown = tuple(int(p) if p.isdigit() else p for p in parts)
            return latex, [(item, item.moves(), repr(text)),
                           (parent, _entry_moves(parent), _entry_text(parent, shown))]
    return None


def _entries_clash(items: dict[str, _Item], arrays: dict[str, _Array]
                   ) -> tuple[str, list[_Party]] | None:
    """Entries of two arrays written alike (``x_1``'s entry 2 and entry (1, 2) of a
    12 x 12 matrix ``x``)."""
    seen: dict[str, tuple[_Item, tuple[int, ...]]] = {}
    for text in sorted(arrays.keys() & items.keys()):
        parent = items[text]
        symbols, width = arrays[text]
        for _symbol, index in symbols:
            latex = parent.entry(index, width)
            other, other_index = seen.setdefault(latex, (parent, index))
            if other is not parent:
                return latex, [(other, _entry_moves(other), _entry_text(other, other_index)),
                               (parent, _entry_moves(parent), _entry_text(parent, index))]
    return None


def _entry_text(parent: _Item, index: tuple[int | str, ...]) -> str:
    """``entry 2 of 'w'`` or ``entry (1, 2) of 'X'``, as a message names an entry."""
    shown = str(index[0]) if len(index) == 1 else "(" + ", ".join(map(str, index)) + ")"
    return _("entry {index} of {name!r}").format(index=shown, name=parent.text)


def _symbols(problem: Problem, instance: Instance, items: dict[str, _Item],
             arrays: dict[str, _Array]) -> dict[sympy.Symbol, str]:
    """The LaTeX of every SymPy symbol the directive's results can hold, found from
    what each symbol stands for rather than from how it is spelled: each entry of an
    array (distinct, once :func:`_resolve` is done), and each scalar name."""
    symbols: dict[sympy.Symbol, str] = {}
    defined = {d.name for d in problem.definitions}
    for text, value in instance.scope_values.items():
        # A definition's value is what it is defined as (``u = x`` is x): skip it.
        if text in items and text not in defined and isinstance(value.data, sympy.Symbol):
            symbols[value.data] = items[text].latex
    for definition, placeholders in zip(problem.definitions, instance.placeholders):
        if definition.name in items and definition.name not in arrays:
            symbols[placeholders[0]] = items[definition.name].latex
    for text in sorted(arrays.keys() & items.keys()):
        entries, width = arrays[text]
        for symbol, index in entries:
            symbols.setdefault(symbol, items[text].entry(index, width))
    return symbols

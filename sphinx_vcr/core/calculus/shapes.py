"""Shapes of values: scalars, vectors and matrices, with generic sizes.

A shape is ``()`` for a scalar or a pair ``(rows, cols)`` of SymPy expressions in the
size names (``n``, ``N + 1``, ``3``). Shapes are checked symbolically, so a mismatch is
reported once, in the author's own size names, whatever size is being instantiated.
Vectors are columns: ``x[n]`` has shape ``(n, 1)`` and ``x.T`` has ``(1, n)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from ..errors import ShapeError
from ..words import _

Dim = sympy.Expr
Shape = tuple[()] | tuple[Dim, Dim]

_size_symbols: dict[str, sympy.Symbol] = {}


def size_symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol standing for the generic size ``name``."""
    if name not in _size_symbols:
        _size_symbols[name] = sympy.Symbol(name, integer=True, positive=True)
    return _size_symbols[name]


def dim(value: int | str) -> Dim:
    """A dimension from a declaration entry (``3`` or ``"n"``)."""
    return size_symbol(value) if isinstance(value, str) else sympy.Integer(value)


def same_dim(a: Dim, b: Dim) -> bool:
    """Whether two dimensions are equal for every size (``n + 1`` vs ``1 + n``)."""
    return sympy.expand(a - b) == 0


def same_shape(a: Shape, b: Shape) -> bool:
    """Whether two shapes are equal for every size."""
    return len(a) == len(b) and all(same_dim(x, y) for x, y in zip(a, b))


def is_one_by_one(shape: Shape) -> bool:
    """Whether ``shape`` is 1 x 1 at every size."""
    return len(shape) == 2 and same_dim(shape[0], 1) and same_dim(shape[1], 1)


def describe(shape: Shape) -> str:
    """A shape as a reader would write it: ``scalar``, ``vector of length n``, ``2 x n``."""
    if not shape:
        return _("a scalar")
    rows, cols = shape
    if same_dim(cols, 1) and not same_dim(rows, 1):
        return _("a column vector of length {rows}").format(rows=rows)
    if same_dim(rows, 1) and not same_dim(cols, 1):
        return _("a row vector of length {cols} ({rows} x {cols})").format(rows=rows,
                                                                            cols=cols)
    return _("a {rows} x {cols} matrix").format(rows=rows, cols=cols)


def total(dims: Sequence[Dim]) -> Dim:
    """The sum of ``dims``, as one dimension."""
    return sympy.Add(*dims) if dims else sympy.Integer(0)


def concrete(d: Dim, sizes: dict[str, int]) -> int:
    """The value of dimension ``d`` when each size name takes its value in ``sizes``."""
    value = d.subs({size_symbol(k): v for k, v in sizes.items()})
    if not value.is_Integer:
        raise ShapeError(_("size {size} has no value here; declare its size names in "
                           ":wrt: or :vars:").format(size=d))
    return int(value)

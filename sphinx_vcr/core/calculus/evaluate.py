"""Evaluate expression trees to SymPy values at one instantiation of the sizes.

Each :class:`Value` has a symbolic :mod:`.shapes` shape (checked in the author's size
names) and concrete data: a SymPy expression for a scalar, a SymPy matrix for an array,
built at the sizes being instantiated, by the context's symbolic backend
(:mod:`..symbolic`: SymPy unless a caller asks for the fast path). Arithmetic follows
NumPy: element-wise between arrays of one shape, broadcast between a scalar and an
array, ``@`` the matrix product (and the dot product of two vectors). A product whose
shape is 1 x 1 at every size is a scalar.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import sympy

from ..errors import DomainError, LimitError, ParseError, ShapeError
from ..language.syntax import (
    Apply,
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Expr,
    Name,
    Num,
    Subscript,
    Transpose,
    Unary,
    component_of,
)
from ..symbolic import Backend, Unsupported
from ..symbolic.sympy_backend import SYMPY
from ..symbolic.sympy_backend import sigmoid as sigmoid
from ..words import _
from . import shapes
from .differentiate import jacobian
from .functions import Model, Undefined
from .shapes import Shape

MAX_EXPONENT = 1000          # |p| in x**p for a numeric p
MAX_RESULT_DIGITS = 4_000    # digits of a number computed from literals (Python prints
                             # integers of at most 4300 digits)


#: What each entry of a value needs to have one: for every entry (in the order of
#: ``list(data)``, a scalar's one), the positions in :attr:`Context.domain` of the notes
#: raised while computing it. Empty when unknown: an operation that mixes entries (a
#: matrix product, a sum) does not say, and then where() takes every note raised inside
#: its branch as needed by every entry (see :func:`_where_arguments`).
Needs = tuple[frozenset[int], ...]


@dataclass(frozen=True)
class Value:
    """A scalar (``shape == ()``, ``data`` an expression) or an array (a matrix)."""

    shape: Shape
    data: sympy.Expr | sympy.Matrix | Grid
    needs: Needs = field(default=(), compare=False)
    #: A :let:'s own notes (what its value needs), which ``needs`` indexes: added to
    #: the domain of each evaluation that looks the name up (see :meth:`Scope.lookup`).
    notes: tuple[sympy.Basic, ...] = field(default=(), compare=False)
    #: The author's sub-expression that raised each of ``notes`` (None: not known), so
    #: that a message quotes what was written (see :attr:`Context.quotes`).
    quoted: tuple[Expr | None, ...] = field(default=(), compare=False)
    #: A scalar that is the 1 x 1 product of arrays (``a.T @ X`` with ``a`` of fixed
    #: size 1): still the matrix it is to ``@``, so ``a.T @ X @ b`` has a value at size 1
    #: as at every other size.
    one_by_one: bool = field(default=False, compare=False)

    @property
    def is_scalar(self) -> bool:
        return not self.shape


class Grid:
    """A matrix of conditions (SymPy matrices may only hold expressions)."""

    def __init__(self, rows: int, cols: int, entry: Callable[[int, int], sympy.Basic]):
        self.shape = (rows, cols)
        self.cells = [[entry(i, j) for j in range(cols)] for i in range(rows)]

    def __getitem__(self, index: tuple[int, int]) -> sympy.Basic:
        return self.cells[index[0]][index[1]]

    def __iter__(self):
        return (cell for row in self.cells for cell in row)


def scalar(expr: sympy.Expr) -> Value:
    """A scalar value; a Python number becomes SymPy's, a backend's object stays."""
    if isinstance(expr, sympy.Basic) or type(expr).__module__.startswith("symengine"):
        return Value((), expr)
    return Value((), sympy.sympify(expr))


ELEMENTWISE = SYMPY.elementwise


@dataclass(frozen=True)
class Context:
    """What indices and abstract functions mean at one check: the value of every index
    bound so far, the range of every index, each function's model, and the layout of
    ``diff()``."""

    indices: dict[str, int] = field(default_factory=dict)
    ranges: dict[str, int | str] = field(default_factory=dict)
    functions: dict[str, Model | Undefined] = field(default_factory=dict)
    layout: str = "numerator"
    #: Every derivative ``diff()`` took, by (entry, variable), so that a derivation can
    #: check them by finite differences too.
    derivatives: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr] = field(
        default_factory=dict)
    #: Values met on the way that must be real wherever the whole is defined, though
    #: SymPy may rewrite them away (sqrt(x)**2 is x, exp(log(x)) is x, d log(x) is 1/x):
    #: square roots, logarithms, fractional powers and what diff() differentiated.
    #: The branches of where() are left out: each needs a value only where it is taken.
    domain: list[sympy.Expr] = field(default_factory=list)
    #: For a note of ``domain``, the node of the author's text that raised it (a
    #: ``log(x1)``, a ``1/where(x > 0, x, 0)``): a message saying where a value is
    #: missing quotes it as written, not SymPy's rewriting (see :func:`quote`). Keyed
    #: by the note itself, so that the positions of ``domain`` are left as they are.
    quotes: dict[sympy.Basic, Expr] = field(default_factory=dict)
    #: The computer algebra the values are built in (see :mod:`..symbolic`).
    backend: Backend = SYMPY


class Scope:
    """What names mean at one instantiation: values, size names and their sizes."""

    def __init__(self, values: dict[str, Value], sizes: dict[str, int],
                 line: int | None = None, context: Context | None = None) -> None:
        self.values = values
        self.sizes = sizes
        self.line = line
        self.context = context or Context()

    def _looked_up(self, value: Value) -> Value:
        """A named value as this evaluation sees it: a :let:'s notes become notes of
        this evaluation, raised here (so that a where() branch taking the name needs
        them only where it is taken), its needs renumbered to match; positions in
        another evaluation's notes mean nothing here."""
        if value.notes:
            domain = self.context.domain
            mark = len(domain)
            domain.extend(value.notes)
            for note, node in zip(value.notes, value.quoted):
                if node is not None:
                    self.context.quotes.setdefault(note, node)
            needs = tuple(frozenset(p + mark for p in entry) for entry in value.needs)
            return replace(value, needs=needs, notes=())
        return replace(value, needs=()) if value.needs else value

    def bound(self, index: str, value: int) -> Scope:
        """This scope with ``index`` taking ``value`` (inside a sum, a builder)."""
        context = replace(self.context, indices={**self.context.indices, index: value})
        return Scope(self.values, self.sizes, self.line, context)

    def length(self, index: str) -> tuple[shapes.Dim, int]:
        """What ``index`` runs over: symbolically and at these sizes."""
        symbolic = shapes.dim(self.context.ranges[index])
        return symbolic, shapes.concrete(symbolic, self.sizes)

    def index(self, name: str) -> int:
        if name not in self.context.indices:  # the checks of .indices rule this out
            raise ParseError(_("index {name} has no value here").format(name=name),
                             line=self.line)
        return self.context.indices[name]

    def shape_error(self, message: str) -> ShapeError:
        return ShapeError(message, line=self.line)

    def lookup(self, name: str) -> Value:
        if name in self.values:
            return self._looked_up(self.values[name])
        backend = self.context.backend
        if name in self.sizes:
            return scalar(backend.rational(self.sizes[name]))
        component = _component(name, self.values)
        if component is not None:
            return component
        # Undeclared names are scalar parameters (DESIGN section 2).
        check_entry_clash(name, self.values)
        value = scalar(backend.symbol(name))
        self.values[name] = value
        return value


_ENTRY = re.compile(r"([A-Za-z]\w*?)_(\d+)\Z")


def quote(scope: Scope, note: sympy.Basic, node: Expr | None) -> None:
    """Record ``node`` as the author's text of ``note`` (the first one raising it)."""
    if node is not None:
        scope.context.quotes.setdefault(note, node)


def check_entry_clash(name: str, values: dict[str, Value]) -> None:
    """Entry 2 of a vector ``v`` is the SymPy symbol ``v_2``: no other name may be."""
    match = _ENTRY.match(name)
    if match and match.group(1) in values and not values[match.group(1)].is_scalar:
        raise ParseError(_("the name {name!r} clashes with entry {index} of {vector!r}; "
                           "rename it").format(name=name, index=match.group(2),
                                               vector=match.group(1)), line=None)


def _component(name: str, values: dict[str, Value]) -> Value | None:
    """``g1`` is the first entry of a fixed-length vector ``g`` (1-based)."""
    split = component_of(name)
    if split is None or split[0] not in values or values[split[0]].is_scalar:
        return None
    stem, index = split
    vector = values[stem]
    rows, cols = vector.shape
    if not (rows.is_Integer and cols.is_Integer) or 1 not in (int(rows), int(cols)):
        return None
    length = int(rows) * int(cols)
    if not 1 <= index <= length:
        raise ShapeError(_("{name} refers to entry {index} of {vector}, which has {length} "
                           "entries (components count from 1)")
                         .format(name=name, index=index, vector=stem, length=length))
    return scalar(vector.data[index - 1])


def evaluate(node: Expr, scope: Scope) -> Value:
    """The value of ``node`` in ``scope``."""
    match node:
        case Num(value=value):
            return scalar(scope.context.backend.rational(value.numerator,
                                                         value.denominator))
        case Const():
            return scalar(scope.context.backend.pi)
        case Name(id=name):
            return scope.lookup(name)
        case Unary(op=op, operand=operand):
            value = evaluate(operand, scope)
            return value if op == "+" else _map(value, lambda e: -e)
        case Transpose(operand=operand):
            value = evaluate(operand, scope)
            if value.is_scalar:
                return value
            rows, cols = value.data.shape
            needs = tuple(value.needs[i * cols + j] for j in range(cols)
                          for i in range(rows)) if value.needs else ()
            return Value((value.shape[1], value.shape[0]), value.data.T, needs)
        case Binary(op="@", left=left, right=right):
            return _matmul(evaluate(left, scope), evaluate(right, scope), scope)
        case Binary(op=op, left=left, right=right):
            return _elementwise(op, evaluate(left, scope), evaluate(right, scope), scope,
                                node)
        case ArrayLit():
            return _array(node, scope)
        case Call():
            return _call(node, scope)
        case Compare():
            return _compare(node, scope)
        case Subscript():
            return _subscript(node, scope)
        case Apply():
            return _apply(node, scope)
    raise ParseError(_("cannot evaluate {node!r}").format(node=node),  # unreachable by parse
                     line=scope.line)


def _map(value: Value, fn: Callable[[sympy.Expr], sympy.Expr]) -> Value:
    """``fn`` on each entry: entry k still needs what entry k needed."""
    if value.is_scalar:
        return Value((), scalar(fn(value.data)).data, value.needs,
                     one_by_one=value.one_by_one)
    return Value(value.shape, value.data.applyfunc(fn), value.needs)


def entries_of_value(value: Value) -> list[sympy.Basic]:
    """The entries of ``value`` in the order of its needs (a scalar's one)."""
    return [value.data] if value.is_scalar else list(value.data)


def entry_needs(value: Value, k: int) -> frozenset[int]:
    """What entry ``k`` of an array (broadcast: any k of a scalar) is known to need."""
    if not value.needs:
        return frozenset()
    return value.needs[0] if value.is_scalar else value.needs[k]


def _combined(count: int, operands: list[Value],
              fresh: dict[int, frozenset[int]]) -> Needs:
    """The needs of an entry-by-entry result of ``count`` entries: its operands' entries'
    (a scalar's in every entry) and the notes raised computing entry k (``fresh``)."""
    if not fresh and not any(v.needs for v in operands):
        return ()
    return tuple(frozenset().union(fresh.get(k, frozenset()),
                                   *(entry_needs(v, k) for v in operands))
                 for k in range(count))


def _noting(domain: list, fresh: dict[int, frozenset[int]], k: int,
            compute: Callable[[], sympy.Basic]) -> sympy.Basic:
    """``compute()``, the notes it raises recorded as entry ``k``'s."""
    mark = len(domain)
    result = compute()
    if len(domain) > mark:
        fresh[k] = fresh.get(k, frozenset()) | frozenset(range(mark, len(domain)))
    return result


def _power(base: sympy.Expr, exponent: sympy.Expr, line: int | None,
           backend: Backend = SYMPY) -> sympy.Expr:
    # Huge powers of numbers are computed eagerly by SymPy (and cannot be interrupted),
    # so they are refused before they start.
    if backend.real_number(exponent):
        if backend.abs_exceeds(exponent, MAX_EXPONENT):
            raise LimitError(_("exponent {exponent} is too large; the limit is {limit}")
                             .format(exponent=_short(exponent), limit=MAX_EXPONENT),
                             line=line)
        if backend.real_number(base) and base != 0:
            digits = abs(backend.log10_abs(base)) * float(abs(exponent))
            if digits > MAX_RESULT_DIGITS:
                raise LimitError(_("{power} has too many digits").format(
                    power=f"{_short(base)}**{_short(exponent)}"), line=line)
    return base**exponent


def _bounded(value: sympy.Expr, line: int | None, backend: Backend = SYMPY) -> sympy.Expr:
    """``value``, unless it is a number too long to compute with (or to print)."""
    exact = backend.exact_rational(value)
    if exact is not None and max(abs(exact[0]).bit_length(),
                                 exact[1].bit_length()) > 3.32 * MAX_RESULT_DIGITS:
        raise LimitError(_("a number in this expression has more than {limit} digits")
                         .format(limit=MAX_RESULT_DIGITS), line=line)
    return value


def _short(expr: sympy.Expr) -> str:
    text = str(expr)
    return text if len(text) <= 30 else text[:27] + "..."


_BINARY: dict[str, Callable[[sympy.Expr, sympy.Expr], sympy.Expr]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


def _elementwise(op: str, left: Value, right: Value, scope: Scope,
                 node: Expr | None = None) -> Value:
    """``left op right``, entry by entry; ``node`` the author's (for the notes)."""
    backend = scope.context.backend

    def power(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        result = _power(a, b, scope.line, backend)
        root = not backend.is_integer(b) and not backend.is_nonnegative(a)
        # A negative (or unknown) power of a base that is 0 on a region, as relu(x) is:
        # as for a division.
        pole = not backend.is_nonnegative(b) and backend.has_pieces(a)
        if (root or pole) and backend.is_real(result) is not True:
            scope.context.domain.append(result)  # x**(1/2): see Context.domain
            quote(scope, result, node)
        return result

    def divide(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        result = a / b
        if backend.has_pieces(b) and backend.is_real(inverse := 1 / b) is not True:
            # where(x > 0, x, 0) is 0 on a half-line: 1/it has no value there, and
            # 0*(1/it) must not have one either (SymPy folds the product to 0).
            scope.context.domain.append(inverse)
            quote(scope, inverse, node)
        return result

    sources = node.args if isinstance(node, Call) and len(node.args) == 2 else (None, None)

    def extremum(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
        for side, source in zip((a, b), sources):
            if backend.is_real(side) is False:
                raise _nowhere_real(op, side, scope, source)
        try:
            return (backend.maximum if op == "max" else backend.minimum)(a, b)
        except ValueError as error:  # SymPy's "not comparable": a number not real
            first = backend.is_real(a) is not True
            raise _nowhere_real(op, a if first else b, scope,
                                sources[0 if first else 1]) from error
    operation = power if op == "**" else extremum if op in ("max", "min") \
        else divide if op == "/" else _BINARY[op]

    domain = scope.context.domain
    fresh: dict[int, frozenset[int]] = {}

    def fn(a: sympy.Expr, b: sympy.Expr, k: int = 0) -> sympy.Expr:
        return _noting(domain, fresh, k,
                       lambda: _bounded(operation(a, b), scope.line, backend))
    if left.is_scalar and right.is_scalar:
        data = scalar(fn(left.data, right.data)).data
        # (2 * (a.T @ A @ a) is a 1 x 1 product still, as in NumPy)
        return Value((), data, _combined(1, [left, right], fresh),
                     one_by_one=left.one_by_one or right.one_by_one)
    array = right if left.is_scalar else left
    if left.is_scalar or right.is_scalar:
        rows, cols = array.data.shape
        data = backend.matrix(rows, cols, lambda i, j: fn(
            left.data if left.is_scalar else left.data[i, j],
            right.data if right.is_scalar else right.data[i, j], i * cols + j))
        return Value(array.shape, data, _combined(rows * cols, [left, right], fresh))
    if not shapes.same_shape(left.shape, right.shape):
        symbol = {"**": "**", "max": "max", "min": "min"}.get(op, op)
        message = _("element-wise {op} needs operands of one shape, but they are {left} "
                    "and {right}{transpose}; use @ for a matrix product")
        raise scope.shape_error(message.format(
            op=symbol, left=shapes.describe(left.shape), right=shapes.describe(right.shape),
            transpose=_transpose_hint(left.shape, right.shape)))
    rows, cols = left.data.shape
    data = backend.matrix(rows, cols, lambda i, j: fn(left.data[i, j], right.data[i, j],
                                                      i * cols + j))
    return Value(left.shape, data, _combined(rows * cols, [left, right], fresh))


def _nowhere_real(op: str, side: sympy.Expr, scope: Scope,
                  source: Expr | None = None) -> DomainError:
    """max(0, log(-x**2 - 1)): SymPy knows the argument is never real (and refuses to
    compare it), so the whole has no value anywhere; said at the form it is in, the
    argument quoted as the author wrote it (``source``) where it is known."""
    from .indexfree.text import to_text  # the text module imports this one's package

    argument = _short(side)
    if source is not None:
        with contextlib.suppress(ValueError):  # no text for an abstract function applied
            argument = to_text(source)
    return DomainError(_("{func}() compares real numbers, but {argument} has no real "
                         "value anywhere").format(func=op, argument=argument),
                       line=scope.line)


def _not_comparable(side: sympy.Basic, scope: Scope) -> DomainError:
    """A condition with an infinity in it (``where(x > 0, 1, 1/(x - x)) > 0``), which
    SymPy cannot compare."""
    return DomainError(_("a comparison needs real numbers on both sides, but {side} has "
                         "none somewhere (a division by zero?)").format(side=_short(side)),
                       line=scope.line)


def _transpose_hint(a: Shape, b: Shape) -> str:
    if a and b and shapes.same_shape(a, (b[1], b[0])):
        return _(" (one of them may need .T)")
    return ""


def _matmul(left: Value, right: Value, scope: Scope) -> Value:
    """``left @ right``, its numbers bounded like those of ``*`` and ``/`` (repeated
    products square their digits as surely)."""
    product = _unbounded_matmul(left, right, scope)
    for entry in [product.data] if product.is_scalar else product.data:
        _bounded(entry, scope.line, scope.context.backend)
    return product


def _unbounded_matmul(left: Value, right: Value, scope: Scope) -> Value:
    backend = scope.context.backend
    left, right = (_as_block(v, backend) if v.one_by_one else v for v in (left, right))
    if left.is_scalar or right.is_scalar:
        raise scope.shape_error(_("@ is the matrix product and needs two arrays, but one "
                                  "side is a scalar; use * to multiply by a scalar, and "
                                  "declare vectors in :wrt: or :vars: (undeclared names "
                                  "are scalars)"))
    (lr, lc), (rr, rc) = left.shape, right.shape
    if shapes.same_dim(lc, 1) and shapes.same_dim(rc, 1) and shapes.same_dim(lr, rr) \
            and not shapes.same_dim(lr, 1):
        # Two vectors: the dot product, as NumPy does for 1-D arrays.
        return scalar((left.data.T * right.data)[0, 0])
    if shapes.same_dim(lc, rr):
        shape: Shape = (lr, rc)
        data = left.data * right.data
    elif shapes.same_dim(lc, 1) and shapes.same_dim(lr, rr):
        # A vector on the left of a matrix is a row, as in NumPy; the result is a vector.
        shape, data = (rc, sympy.Integer(1)), (left.data.T * right.data).T
    else:
        raise scope.shape_error(
            _("@ cannot multiply {left} by {right}: the inner sizes {inner} and {other} "
              "differ{transpose}").format(
                left=shapes.describe(left.shape), right=shapes.describe(right.shape),
                inner=lc, other=rr, transpose=_transpose_hint(left.shape, right.shape)))
    if shapes.is_one_by_one(shape):
        return Value((), data[0, 0], one_by_one=True)
    return Value(shape, data)


def _array(node: ArrayLit, scope: Scope) -> Value:
    nested = [isinstance(item, ArrayLit) for item in node.items]
    if all(nested):
        rows = [_hstack(_items(row.items, scope), scope)  # type: ignore[union-attr]
                for row in node.items]
        return _vstack(rows, scope, what="rows")
    if any(nested):
        raise scope.shape_error(_("ragged array: write a vector as [a, b] and a matrix as "
                                  "[[a, b], [c, d]], with every row a list"))
    return _vstack(_items(node.items, scope), scope, what="entries")


def _items(nodes: list[Expr], scope: Scope) -> list[Value]:
    """The items of an array literal, each knowing what its entries need: the notes
    raised evaluating an item belong to that item's entries only (so that
    ``where(x > 0, 1, [0*log(-x1), 0*log(-x2)])`` needs log(-x1) where x1 <= 0, not
    where x2 <= 0); one the item does not place in an entry goes to all of its own."""
    domain = scope.context.domain
    items = []
    for node in nodes:
        mark = len(domain)
        value = evaluate(node, scope)
        raised = frozenset(range(mark, len(domain)))
        count = len(entries_of_value(value))
        unplaced = raised.difference(*value.needs)
        items.append(replace(value, needs=tuple(entry_needs(value, k) | unplaced
                                                for k in range(count))))
    return items


def _block_needs(block: Value, i: int, j: int) -> frozenset[int]:
    """What entry (i, j) of a block of a stacked array needs."""
    return entry_needs(block, 0 if block.is_scalar else i * block.data.shape[1] + j)


def _as_block(value: Value, backend: Backend) -> Value:
    if value.is_scalar:
        return Value((sympy.Integer(1), sympy.Integer(1)),
                     backend.matrix(1, 1, lambda _i, _j: value.data))
    return value


def _hstack(items: list[Value], scope: Scope) -> Value:
    blocks = [_as_block(v, scope.context.backend) for v in items]
    height = blocks[0].shape[0]
    for block in blocks[1:]:
        if not shapes.same_dim(block.shape[0], height):
            raise scope.shape_error(
                _("ragged matrix: entries of one row have {height} and {other} rows")
                .format(height=height, other=block.shape[0]))
    width = shapes.total([b.shape[1] for b in blocks])
    data = scope.context.backend.hstack([b.data for b in blocks])
    needs: Needs = ()
    if any(v.needs for v in items):
        # Row by row, each row across the blocks: the order of the entries of data.
        needs = tuple(_block_needs(v, i, j) for i in range(data.shape[0])
                      for v, b in zip(items, blocks) for j in range(b.data.shape[1]))
    return Value((height, width), data, needs)


def _vstack(items: list[Value], scope: Scope, what: str) -> Value:
    blocks = [_as_block(v, scope.context.backend) for v in items]
    width = blocks[0].shape[1]
    for block in blocks[1:]:
        if not shapes.same_dim(block.shape[1], width):
            message = (_("ragged matrix: rows have {width} and {other} columns")
                       if what == "rows" else
                       _("ragged matrix: entries have {width} and {other} columns"))
            raise scope.shape_error(message.format(width=width, other=block.shape[1]))
    height = shapes.total([b.shape[0] for b in blocks])
    needs: Needs = ()
    if any(v.needs for v in items):
        needs = tuple(_block_needs(v, i, j) for v, b in zip(items, blocks)
                      for i in range(b.data.shape[0]) for j in range(b.data.shape[1]))
    return Value((height, width), scope.context.backend.vstack([b.data for b in blocks]),
                 needs)


def _dim_argument(node: Expr, scope: Scope, func: str) -> tuple[shapes.Dim, int]:
    """A size argument of eye/ones/zeros: symbolic and concrete."""
    match node:
        case Num(value=value) if value.denominator == 1 and 1 <= value <= 64:
            return sympy.Integer(int(value)), int(value)
        case Name(id=name) if name in scope.sizes:
            return shapes.size_symbol(name), scope.sizes[name]
        case Binary(op="+" | "-" | "*" as op, left=left, right=right):
            (ls, lv), (rs, rv) = (_dim_argument(left, scope, func),
                                  _dim_argument(right, scope, func))
            fn = _BINARY[op]
            symbolic, value = fn(ls, rs), int(fn(lv, rv))
            if not 1 <= value <= 64:
                raise scope.shape_error(_("{func}() size {size} is {value} here; sizes go "
                                          "from 1 to 64").format(func=func, size=symbolic,
                                                                 value=value))
            return symbolic, value
    raise scope.shape_error(_("{func}() takes sizes: whole numbers from 1 to 64 or size "
                              "names declared in :wrt: or :vars:").format(func=func))


#: Functions with no real value on part of the line (tan at its poles: 0*tan(pi/2 +
#: relu(x - 1)) has none on a half-line, and SymPy folds it to 0).
_PARTIAL = ("sqrt", "log", "ln", "tan")


def _note_domain(value: Value, scope: Scope, node: Expr | None = None,
                 always: bool = False) -> Value:
    """``value``, its entries noted as needing a real value (see
    :attr:`Context.domain`), unless SymPy knows they have one (``always``: even then,
    as SymPy holds tan of a real extended-real, its poles included); ``node``: the call
    of the author's that computed it."""
    domain = scope.context.domain
    fresh: dict[int, frozenset[int]] = {}
    entries = entries_of_value(value)
    for k, entry in enumerate(entries):
        if (always and not entry.is_number) \
                or scope.context.backend.is_real(entry) is not True:
            fresh[k] = frozenset([len(domain)])
            domain.append(entry)
            quote(scope, entry, node)
    return replace(value, needs=_combined(len(entries), [value], fresh))


def _call(node: Call, scope: Scope) -> Value:
    func = node.func
    backend = scope.context.backend
    if func in ("eye", "ones", "zeros"):
        dims = [_dim_argument(a, scope, func) for a in node.args]
        if func == "eye":
            (s, v), = dims
            return Value((s, s), backend.eye(v))
        if func == "ones":
            (s, v), = dims
            return Value((s, sympy.Integer(1)), backend.ones(v, 1))
        rows, cols = dims if len(dims) == 2 else (dims[0], (sympy.Integer(1), 1))
        return Value((rows[0], cols[0]), backend.zeros(rows[1], cols[1]))
    if func in _INDEXED and (func != "sum" or len(node.args) == 2):
        return _INDEXED[func](node, scope)
    if func == "where":
        return _where(*_where_arguments(node, scope), scope)
    args = [evaluate(a, scope) for a in node.args]
    if func in backend.elementwise:
        value = _map(args[0], backend.elementwise[func])
        return _note_domain(value, scope, node, always=func == "tan") \
            if func in _PARTIAL else value
    if func in ("max", "min"):
        return _elementwise(func, args[0], args[1], scope, node)
    # Imported here: the matrix functions are built on this module's Value and Scope.
    from .matrices import MATRIX_FUNCTIONS
    if func in MATRIX_FUNCTIONS:
        if backend is not SYMPY:
            return _through_sympy(MATRIX_FUNCTIONS[func], args, scope)
        return MATRIX_FUNCTIONS[func](*args, scope)
    return _reduction(func, args, scope)


def _through_sympy(function: Callable[..., Value], args: list[Value], scope: Scope
                   ) -> Value:
    """A matrix function of :mod:`.matrices` (which builds SymPy matrices) on another
    backend's values: computed in SymPy, so that its forms, shape checks and errors are
    the same, and converted back."""
    backend = scope.context.backend
    inner = Scope({}, scope.sizes, scope.line, replace(scope.context, backend=SYMPY))
    domain = scope.context.domain
    mark = len(domain)
    result = function(*[Value(a.shape, backend.to_sympy(a.data), a.needs) for a in args],
                      inner)
    domain[mark:] = [backend.from_sympy(note) for note in domain[mark:]]  # its notes
    return Value(result.shape, backend.from_sympy(result.data), result.needs)


def _reduction(func: str, args: list[Value], scope: Scope) -> Value:
    first = args[0]
    backend = scope.context.backend
    if func == "diag":
        if first.is_scalar or not (shapes.same_dim(first.shape[1], 1)
                                   or shapes.same_dim(first.shape[0], 1)):
            raise scope.shape_error(_("diag() takes a vector, not {shape}")
                                    .format(shape=shapes.describe(first.shape)))
        length = first.shape[0] if shapes.same_dim(first.shape[1], 1) else first.shape[1]
        entries = list(first.data)
        # entry (k, k) needs what entry k of the vector needs; the zeros need nothing
        needs: Needs = tuple(entry_needs(first, i) if i == j else frozenset()
                             for i in range(len(entries)) for j in range(len(entries))
                             ) if first.needs else ()
        return Value((length, length), backend.diag(entries), needs)
    if func == "dot":
        second = args[1]
        if first.is_scalar or second.is_scalar or not shapes.same_shape(first.shape,
                                                                          second.shape):
            raise scope.shape_error(
                _("dot() takes two vectors of one length, not {first} and {second}").format(
                    first=shapes.describe(first.shape), second=shapes.describe(second.shape)))
        return scalar(sum((a * b for a, b in zip(first.data, second.data)),
                          backend.rational(0)))
    entries = [first.data] if first.is_scalar else list(first.data)
    if func == "sum":
        return scalar(backend.add(entries))
    if func == "mean":
        return scalar(backend.add(entries) / len(entries))
    return scalar(backend.sqrt(backend.add([e**2 for e in entries])))  # norm


def _where_arguments(node: Call, scope: Scope) -> tuple[list[Value], Needs]:
    """The condition and branches of ``where``, and what they need (see :func:`_needs`)."""
    domain = scope.context.domain
    mark = len(domain)
    values, notes = [], []
    backend = scope.context.backend
    for arg in node.args:
        value = evaluate(arg, scope)
        # A branch that divides by 0 where it is taken (where(x > 0, 0, 1/(x - x))) has
        # no value there, even once SymPy folds 0*where(...) to 0: it is a note of its
        # own, entry by entry, needed where the branch is taken.
        entries = entries_of_value(value)
        fresh: dict[int, frozenset[int]] = {}
        for k, entry in enumerate(entries):
            if backend.has_infinity(entry):
                fresh[k] = frozenset([len(domain)])
                domain.append(entry)
        if fresh:
            value = replace(value, needs=_combined(len(entries), [value], fresh))
        values.append(value)
        notes.append(domain[mark:])
        del domain[mark:]
    if len(values) != 3:
        domain.extend(note for group in notes for note in group)
        return values, ()
    return values, _needs(values, notes, mark, scope)


def _needs(values: list[Value], notes: list[list[sympy.Expr]], mark: int,
           scope: Scope) -> Needs:
    """Note what ``where(condition, yes, no)`` needs, entry by entry, and say which
    entries of the result need which note.

    The condition is always evaluated: what it needs is needed wherever the result's
    entry is (``where(0*log(x) > 1, ...)`` has no value at x < 0). What a branch needs
    (a log's argument above 0) holds only where it is taken: entry k of the result
    needs what entry k of the branch needs, under entry k of the condition, so that
    ``where(x > 0, 1, max(0, log(x)))`` has no value at x_k < 0, as the branch taken
    there has none (noted without its condition, a correct claim would fail where the
    branch is not taken; left out, a claim without a value passed). A note the
    branch's value does not place in an entry (a sum, a matrix product mixes them) is
    taken as needed by every entry: too much rather than too little."""
    domain, backend = scope.context.domain, scope.context.backend
    condition = values[0]
    count = next((len(list(v.data)) for v in values if not v.is_scalar), 1)
    zero = backend.rational(0)
    result: list[set[int]] = [set() for _k in range(count)]
    placed: dict[sympy.Basic, int] = {}

    def note(expr: sympy.Basic, k: int, source: sympy.Basic) -> None:
        if expr not in placed:
            placed[expr] = len(domain)
            domain.append(expr)
            # A branch's note, under its condition: quoted as the branch's note was.
            quote(scope, expr, scope.context.quotes.get(source))
        result[k].add(placed[expr])

    guards = condition_entries(condition)
    for branch, group in enumerate(notes):
        value = values[branch]
        owners = _owners(value, len(group), mark)
        for local, expr in enumerate(group):
            for k in range(count):
                own = 0 if value.is_scalar else k
                if owners[local] is not None and own not in owners[local]:
                    continue
                guard = guards[0 if condition.is_scalar else k]
                note(expr if branch == 0 else backend.piecewise(expr, guard, zero)
                     if branch == 1 else backend.piecewise(zero, guard, expr), k, expr)
    return tuple(frozenset(r) for r in result)


def _owners(value: Value, count: int, mark: int) -> list[set[int] | None]:
    """For each of the ``count`` notes raised computing ``value`` (at positions from
    ``mark``), the entries of ``value`` known to need it; None: not known, every one."""
    owners: list[set[int] | None] = [None] * count
    for k, positions in enumerate(value.needs):
        for position in positions:
            local = position - mark
            if 0 <= local < count:
                if owners[local] is None:
                    owners[local] = set()
                owners[local].add(k)  # type: ignore[union-attr]
    return owners


def _where(args: list[Value], needs: Needs, scope: Scope) -> Value:
    condition, yes, no = args
    shape = next((v.shape for v in args if not v.is_scalar), ())
    for value in args:
        if not value.is_scalar and not shapes.same_shape(value.shape, shape):
            raise scope.shape_error(_("where(cond, a, b) needs scalars or arrays of one "
                                      "shape"))
    backend = scope.context.backend

    def piecewise(yes: sympy.Expr, condition: sympy.Basic, no: sympy.Expr) -> sympy.Expr:
        try:
            return backend.piecewise(yes, condition, no)
        except TypeError:  # SymPy folding a condition that holds an infinity
            raise _not_comparable(condition, scope) from None

    if not shape:
        return Value((), piecewise(yes.data, condition.data, no.data), needs)

    def entry(value: Value, i: int, j: int) -> sympy.Expr:
        return value.data if value.is_scalar else value.data[i, j]

    rows, cols = next(v.data.shape for v in args if not v.is_scalar)
    data = backend.matrix(rows, cols, lambda i, j: piecewise(
        entry(yes, i, j), entry(condition, i, j), entry(no, i, j)))
    return Value(shape, data, needs)


def _compare(node: Compare, scope: Scope) -> Value:
    values = [evaluate(o, scope) for o in node.operands]
    parts = [_relation(op, a, b, scope) for op, a, b in zip(node.ops, values, values[1:])]
    result = parts[0]
    for part in parts[1:]:
        result = _combine(result, part, scope)
    return result


def _relation(op: str, left: Value, right: Value, scope: Scope) -> Value:
    backend = scope.context.backend

    def relation(op: str, a: sympy.Expr, b: sympy.Expr) -> sympy.Basic:
        try:
            return backend.relation(op, a, b)
        except TypeError:  # SymPy's "invalid comparison of non-real zoo"
            raise _not_comparable(a if backend.is_real(a) is not True else b,
                                  scope) from None
    if left.is_scalar and right.is_scalar:
        return Value((), relation(op, left.data, right.data),
                     _combined(1, [left, right], {}))
    a, b = (Value(right.shape, right.data.applyfunc(lambda _entry: left.data))
            if left.is_scalar else left,
            Value(left.shape, left.data.applyfunc(lambda _entry: right.data))
            if right.is_scalar else right)
    if not shapes.same_shape(a.shape, b.shape):
        raise scope.shape_error(_("cannot compare {left} with {right}").format(
            left=shapes.describe(a.shape), right=shapes.describe(b.shape)))
    rows, cols = a.data.shape
    return Value(a.shape, Grid(rows, cols, lambda i, j: relation(
        op, a.data[i, j], b.data[i, j])), _combined(rows * cols, [left, right], {}))


def _combine(a: Value, b: Value, scope: Scope) -> Value:
    conjunction = scope.context.backend.conjunction
    if a.is_scalar and b.is_scalar:
        return Value((), conjunction(a.data, b.data), _combined(1, [a, b], {}))
    if a.is_scalar or b.is_scalar or not shapes.same_shape(a.shape, b.shape):
        raise scope.shape_error(_("a chained comparison needs operands of one shape"))
    rows, cols = a.data.shape
    return Value(a.shape, Grid(rows, cols, lambda i, j: conjunction(a.data[i, j],
                                                                    b.data[i, j])),
                 _combined(rows * cols, [a, b], {}))


def condition_entries(value: Value) -> list[sympy.Basic]:
    """The scalar conditions a (possibly vector) condition stands for."""
    return [value.data] if value.is_scalar else list(value.data)



def _subscript(node: Subscript, scope: Scope) -> Value:
    """``x[i]``, ``X[i, j]``, or the row ``X[i]`` as a column vector."""
    value = scope.lookup(node.base)
    at = [scope.index(name) - 1 for name in node.indices]
    if value.is_scalar:  # the checks of .indices rule this out
        raise scope.shape_error(_("{name} is a scalar and has no entries")
                                .format(name=node.base))
    vector = shapes.same_dim(value.shape[1], 1) or shapes.same_dim(value.shape[0], 1)
    if vector and len(at) == 1:
        return scalar(value.data[at[0]])
    if len(at) == 2:
        return scalar(value.data[at[0], at[1]])
    return Value((value.shape[1], sympy.Integer(1)),
                 scope.context.backend.row(value.data, at[0]).T)


def _sum(node: Call, scope: Scope) -> Value:
    """``sum(expr, i)``: expr added up over every value of i."""
    expr, index = node.args
    total: Value | None = None
    for k in range(1, scope.length(index.id)[1] + 1):  # type: ignore[union-attr]
        term = evaluate(expr, scope.bound(index.id, k))  # type: ignore[union-attr]
        total = term if total is None else _elementwise("+", total, term, scope)
    assert total is not None  # a range is never empty
    return total


def _build(node: Call, scope: Scope) -> Value:
    """``vector(expr, i)``, ``row(expr, j)``, ``matrix(expr, i, j)``: entry by entry."""
    expr, *indices = node.args
    names = [i.id for i in indices]  # type: ignore[union-attr]
    lengths = [scope.length(name) for name in names]

    domain = scope.context.domain
    fresh: dict[int, frozenset[int]] = {}
    width = lengths[-1][1] if node.func == "matrix" else 1

    def entry(*at: int) -> sympy.Expr:
        inner = scope
        for name, k in zip(names, at):
            inner = inner.bound(name, k + 1)
        # The notes raised computing this entry are its own (see _items).
        k = at[0] * width + at[1] if len(at) == 2 else at[0]
        value = _noting(domain, fresh, k, lambda: evaluate(expr, inner))
        if not value.is_scalar:
            raise scope.shape_error(_("{func}() builds an array from scalar entries, but "
                                      "this entry is {shape}").format(
                func=node.func, shape=shapes.describe(value.shape)))
        if value.needs:
            fresh[k] = fresh.get(k, frozenset()) | value.needs[0]
        return value.data

    one = sympy.Integer(1)
    matrix = scope.context.backend.matrix
    if node.func == "vector":
        (dim, count), = lengths
        value = Value((dim, one), matrix(count, 1, lambda i, _j: entry(i)))
    elif node.func == "row":
        (dim, count), = lengths
        value = Value((one, dim), matrix(1, count, lambda _i, j: entry(j)))
    else:
        (rdim, rows), (cdim, cols) = lengths
        value = Value((rdim, cdim), matrix(rows, cols, entry))
    return replace(value, needs=_combined(len(list(value.data)), [], fresh))


def _delta(node: Call, scope: Scope) -> Value:
    """The Kronecker delta of two indices."""
    first, second = (scope.index(a.id) for a in node.args)  # type: ignore[union-attr]
    return scalar(scope.context.backend.rational(int(first == second)))


def _diff(node: Call, scope: Scope) -> Value:
    """``diff(expr, v)``: the derivative by a variable, in the directive's layout."""
    value = evaluate(node.args[0], scope)
    variable = _variable(node.args[1], scope)
    symbols = [variable.data] if variable.is_scalar else list(variable.data)
    numerator = scope.context.layout == "numerator"
    if variable.shape and not _is_vector(variable.shape):
        if not value.is_scalar:
            raise scope.shape_error(_("diff() of {shape} by a matrix is a tensor; "
                                      "differentiate a scalar by a matrix").format(
                shape=shapes.describe(value.shape)))
        rows, cols = variable.data.shape
        scope.context.domain.append(value.data)
        quote(scope, value.data, node.args[0])
        data = scope.context.backend.matrix(rows, cols, lambda i, j: _derivative(
            value.data, variable.data[i, j], scope))
        shape = variable.shape
        return Value(shape, data) if not numerator else Value((shape[1], shape[0]), data.T)
    if not value.is_scalar and not _is_vector(value.shape):
        if not variable.is_scalar:
            raise scope.shape_error(_("diff() of a matrix by a vector is a tensor; "
                                      "differentiate by one scalar at a time"))
        scope.context.domain.extend(value.data)
        for entry in value.data:
            quote(scope, entry, node.args[0])
        return _map(value, lambda e: _derivative(e, symbols[0], scope))
    outputs = [value.data] if value.is_scalar else list(value.data)
    scope.context.domain.extend(outputs)  # a derivative needs the function's value
    for output in outputs:
        quote(scope, output, node.args[0])
    matrix = scope.context.backend.matrix(
        len(outputs), len(symbols), lambda i, j: _derivative(outputs[i], symbols[j], scope))
    if value.is_scalar and variable.is_scalar:
        return scalar(matrix[0, 0])
    one = sympy.Integer(1)
    rows = one if value.is_scalar else _length(value.shape)
    cols = one if variable.is_scalar else _length(variable.shape)
    if numerator:
        return Value((rows, cols), matrix)
    return Value((cols, rows), matrix.T)


def _derivative(entry: sympy.Expr, symbol: sympy.Symbol, scope: Scope) -> sympy.Expr:
    """d entry / d symbol, by the rules of :mod:`.differentiate`; noted in the context."""
    known = scope.context.derivatives
    if (entry, symbol) not in known:
        backend = scope.context.backend
        # SymPy's by this module's name for it, which a test replaces with a wrong rule
        # to show that the finite differences catch it.
        known[entry, symbol] = jacobian([entry], [symbol])[0, 0] if backend is SYMPY \
            else backend.diff(entry, symbol)
    return known[entry, symbol]


def _is_vector(shape: Shape) -> bool:
    return shapes.same_dim(shape[0], 1) or shapes.same_dim(shape[1], 1)


def _length(shape: Shape) -> shapes.Dim:
    return shape[1] if shapes.same_dim(shape[0], 1) else shape[0]


def _variable(node: Expr, scope: Scope) -> Value:
    """What ``diff()`` differentiates by: a variable, a component, or a row of one."""
    value = evaluate(node, scope) if isinstance(node, Name | Subscript) else None
    entries = [] if value is None else ([value.data] if value.is_scalar else list(value.data))
    if value is None or not all(scope.context.backend.is_symbol(e) for e in entries) \
            or len(set(entries)) != len(entries):
        raise scope.shape_error(_("diff(expr, v) differentiates by a variable: a declared "
                                  "name or a scalar parameter, or a component such as "
                                  "w[j]"))
    return value


def _apply(node: Apply, scope: Scope) -> Value:
    """An abstract function applied, entry by entry to arrays."""
    if scope.context.backend is not SYMPY:  # models are SymPy's (.functions)
        raise Unsupported(f"abstract functions are not on the {scope.context.backend.name} "
                          "path yet")
    model = scope.context.functions[node.func.name]
    args = [evaluate(a, scope) for a in node.args]
    arrays = [a for a in args if not a.is_scalar]
    if not arrays:
        return scalar(_bounded(model.apply(node.func.orders, [a.data for a in args]),
                               scope.line))
    shape = arrays[0].shape
    if not all(shapes.same_shape(a.shape, shape) for a in arrays):
        raise scope.shape_error(_("{name}() applies entry by entry, so its array "
                                  "arguments need one shape").format(name=node.func.name))

    def entry(i: int, j: int) -> sympy.Expr:
        return model.apply(node.func.orders, [a.data if a.is_scalar else a.data[i, j]
                                              for a in args])

    rows, cols = arrays[0].data.shape
    return Value(shape, sympy.Matrix(rows, cols, entry))


_INDEXED: dict[str, Callable[[Call, Scope], Value]] = {
    "sum": _sum, "vector": _build, "row": _build, "matrix": _build, "delta": _delta,
    "diff": _diff,
}

"""Values of SymPy expressions at a point, by walking the tree: plain or certified.

Claims are compared in many-digit arithmetic (:mod:`.compare`). Generating code for
that (``lambdify``) prints every symbol by its name into a namespace full of the
backend's own names, so a user's ``e`` or ``mpf`` could mean mpmath's; this walker
looks symbols up by identity instead, so a name can only ever mean its value.

It evaluates the node types that the expression language and SymPy's derivatives of
it produce (sums, products, powers, ``exp log sin cos tan tanh``, ``Abs sign
Heaviside Max Min``, ``Piecewise`` and its conditions, rationals, ``pi`` and ``E``) in
two kinds of arithmetic over the same tree:

* :data:`PLAIN`: mpmath numbers at the working precision;
* :data:`BALLS`: mpmath intervals (``mpmath.iv``), which enclose the exact value:
  every operation rounds outwards, so the true value lies inside the result. An
  enclosure of a difference that excludes zero *proves* the difference is not zero,
  however small it is; one that contains zero proves nothing either way.

The semantics are real, as in the NumPy code the sample points were chosen with: a
logarithm or non-integer power of a negative number, a division by zero or a pole
has no value (``None``), and so does any node not listed above. A condition that an
enclosure cannot decide (the point lies on, or too close to, its boundary) gives the
hull of the values of the branches it could take.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import mpmath
import numpy as np
import sympy
from mpmath.libmp import ComplexResult, fzero, mpf_add, mpf_lt, mpf_mul

Number = Any  # an mpmath mpf (plain) or ivmpf (ball)

#: ``exp``, ``sin``, ``cos`` and ``tan`` of arguments beyond 2**MAX_ARGUMENT_BITS in
#: magnitude are given up (no value): reducing such an argument would need that many
#: bits of log(2) or pi. ``exp(-10**2000)`` is still computed.
MAX_ARGUMENT_BITS = 1 << 16
EXACT_BITS = 53          # a double converts exactly at this precision or more
MAX_POINTS = 1 << 16     # coordinates kept converted (see Arithmetic.point)
RECENT = 16               # points whose steps Program.along keeps, to reuse


class _NoValue(Exception):
    """The expression has no (real, finite) value at the point, or is not supported."""


class Arithmetic:
    """Plain mpmath numbers: the operations the walker needs, and decisions on signs."""

    ctx = mpmath.mp

    def __init__(self) -> None:
        #: Coordinates converted so far. A double converts exactly at 53 bits or more,
        #: whatever the precision, so its conversion can be kept: the same coordinates
        #: recur at every point of a line and in every guard and entry of a point, and
        #: converting them was the largest single cost of evaluating guards.
        self._points: dict[float, Number] = {}

    def number(self, value: sympy.Rational) -> Number:
        return self.ctx.mpf(value.p) / value.q if value.q != 1 else self.ctx.mpf(value.p)

    @contextmanager
    def digits(self, digits: int) -> Iterator[None]:
        with mpmath.workdps(digits):
            yield

    def point(self, value: float) -> Number:
        """A double, exactly (at the working precision if that is below 53 bits)."""
        number = self._points.get(value)
        if number is not None and self.ctx.prec >= EXACT_BITS:
            return number
        number = self.ctx.mpf(value)
        if self.ctx.prec >= EXACT_BITS:
            if len(self._points) >= MAX_POINTS:
                self._points.clear()
            self._points[value] = number
        return number

    def exact(self, raw: tuple) -> Number:
        """The number whose raw mpmath form is ``raw``, unrounded."""
        return self.ctx.make_mpf(raw)

    # A sum or product is folded left to right on mpmath's raw numbers, each step
    # rounded exactly as mpmath's own + and * round it (the same calls mpf.__add__
    # and __mul__ make): the same values, without an object for every step.

    def total(self, values: Sequence[Number]) -> Number:
        return self._fold(values, mpf_add)

    def product(self, values: Sequence[Number]) -> Number:
        return self._fold(values, mpf_mul)

    def _fold(self, values: Sequence[Number], step: Callable) -> Number:
        prec, rounding = self.ctx._prec_rounding
        raw = values[0]._mpf_
        for value in values[1:]:
            raw = step(raw, value._mpf_, prec, rounding)
        return self.ctx.make_mpf(raw)

    def sign(self, value: Number) -> int | None:
        """1, -1 or 0 if that is certain, else None."""
        return 1 if value > 0 else -1 if value < 0 else 0

    def hull(self, values: Sequence[Number]) -> Number:
        """A value that stands for all of ``values`` (plain numbers: the first)."""
        return values[0]

    def finite(self, value: Number) -> bool:
        raw = getattr(value, "_mpf_", None)  # not a real mpmath number: no value
        return raw is not None and _finite(raw)

    def bits(self, value: Number) -> int:
        """The binary exponent of the largest magnitude of ``value``."""
        return _bits(value._mpf_)

    def tanh(self, value: Number) -> Number:
        return self.ctx.tanh(value)

    def extremum(self, values: Sequence[Number], largest: bool) -> Number:
        return max(values) if largest else min(values)


class Balls(Arithmetic):
    """Intervals (``mpmath.iv``) that enclose the exact value of every operation."""

    ctx = mpmath.iv

    @contextmanager
    def digits(self, digits: int) -> Iterator[None]:
        # mpmath.iv has no workdps: set its precision and put it back.
        saved = self.ctx.prec
        self.ctx.dps = digits
        try:
            yield
        finally:
            self.ctx.prec = saved

    def exact(self, raw: tuple) -> Number:
        return self.ctx.make_mpf((raw, raw))

    def total(self, values: Sequence[Number]) -> Number:
        result = values[0]
        for value in values[1:]:
            result = result + value  # rounded outwards
        return result

    def product(self, values: Sequence[Number]) -> Number:
        result = values[0]
        for value in values[1:]:
            result = result * value
        return result

    def number(self, value: sympy.Rational) -> Number:
        if value.q == 1:
            return self.ctx.mpf(value.p)  # rounded outwards if it has too many digits
        # Outward-rounded division: the rational lies inside.
        return self.ctx.mpf(value.p) / self.ctx.mpf(value.q)

    def sign(self, value: Number) -> int | None:
        low, high = value._mpi_
        if mpf_lt(fzero, low):
            return 1
        if mpf_lt(high, fzero):
            return -1
        if low == high == fzero:
            return 0
        return None

    def hull(self, values: Sequence[Number]) -> Number:
        low = min((v._mpi_[0] for v in values), key=_exact)
        high = max((v._mpi_[1] for v in values), key=_exact)
        return self.ctx.make_mpf((low, high))

    def finite(self, value: Number) -> bool:
        return all(_finite(end) for end in value._mpi_)

    def bits(self, value: Number) -> int:
        return max(_bits(end) for end in value._mpi_)

    def tanh(self, value: Number) -> Number:
        # mpmath.iv has no tanh. 1 - 2/(exp(2v) + 1) uses v once, so the enclosure
        # stays tight; every step of it is rounded outwards.
        return 1 - 2 / (self.ctx.exp(2 * value) + 1)

    def extremum(self, values: Sequence[Number], largest: bool) -> Number:
        # max and min are monotone in each argument: take them of each endpoint.
        pick = max if largest else min
        low = pick((v._mpi_[0] for v in values), key=_exact)
        high = pick((v._mpi_[1] for v in values), key=_exact)
        return self.ctx.make_mpf((low, high))


def _coordinate(arithmetic: Arithmetic, value: object) -> Number:
    """A point's coordinate: a double (kept converted, see :meth:`Arithmetic.point`), or
    an mpmath number taken exactly, unrounded (a probe between two kinks closer than a
    double's spacing, see :mod:`.regions`)."""
    raw = getattr(value, "_mpf_", None)
    if raw is not None:
        return arithmetic.exact(raw)
    return arithmetic.point(float(value))


def _exact(raw: tuple) -> mpmath.mpf:
    """An mpmath number from its raw form, without rounding."""
    return mpmath.mp.make_mpf(raw)


def _finite(raw: tuple) -> bool:
    """Whether a raw mpmath number is finite (inf and nan have no mantissa)."""
    return raw == fzero or bool(raw[1])


def _bits(raw: tuple) -> int:
    """The binary exponent of a raw mpmath number's magnitude (0 for zero)."""
    return raw[2] + raw[3] if raw[1] else 0


PLAIN = Arithmetic()
BALLS = Balls()


def evaluate(exprs: Sequence[sympy.Basic], point: dict[sympy.Symbol, float], digits: int,
             arithmetic: Arithmetic = PLAIN) -> list[Number | None]:
    """The values of ``exprs`` at ``point`` (None where one has no value)."""
    # What digits() does, without a context manager: this runs once per guard set and
    # entry of every probe point, and entering one cost more than the cached values.
    ctx = arithmetic.ctx
    saved = ctx.prec
    ctx.dps = digits
    try:
        walker = _walker_at(arithmetic, point, digits)
        return [walker.value_or_none(e) for e in exprs]
    finally:
        ctx.prec = saved


#: The walker of the last point evaluated, by arithmetic and digits (see _walker_at).
_LAST: dict[tuple[int, int], _Walker] = {}


def _walker_at(arithmetic: Arithmetic, point: dict[sympy.Symbol, float], digits: int
               ) -> _Walker:
    """A walker at ``point``: the one of the previous call if that was at an equal
    point, in the same arithmetic and digits, so that the values it found are reused.
    A probe point is evaluated by many calls (the guards of each entry's difference,
    one entry at a time), which share most sub-expressions; a value depends only on
    the expression, the point, the arithmetic and the precision, so reuse changes no
    result. The point is compared by value and copied: a caller's dict may change."""
    key = (id(arithmetic), digits)
    last = _LAST.get(key)
    if last is not None and last.point == point:
        return last
    # The point's coordinates are converted as the walker meets them: a guard or a
    # condition uses a few of a point's many symbols, and converting all of them for
    # each was most of the cost of checking probe points against guards.
    walker = _Walker(arithmetic, dict(point), convert=True)
    _LAST[key] = walker
    return walker


def central_difference(expr: sympy.Basic, point: dict[sympy.Symbol, float],
                       symbol: sympy.Symbol, digits: int = 60) -> Number | None:
    """The derivative of ``expr`` by ``symbol`` at ``point`` by one central difference
    in ``digits``-digit arithmetic, with a step of ``10**(-digits/3)``: its truncation
    error is then far below any disagreement that matters, for any function that varies
    on scales above that step (``sin(10**9*x)`` included). None where it has no value."""
    with PLAIN.digits(digits):
        step = mpmath.mpf(10) ** (-(digits // 3))
        values = {s: PLAIN.point(float(v)) for s, v in point.items()}
        sides = []
        for sign in (1, -1):
            shifted = dict(values)
            shifted[symbol] = values[symbol] + sign * step
            sides.append(_Walker(PLAIN, shifted).value_or_none(expr))
        if None in sides:
            return None
        return (sides[0] - sides[1]) / (2 * step)


def enclosure(expr: sympy.Basic, point: dict[sympy.Symbol, float], digits: int
              ) -> Number | None:
    """An interval that certainly contains ``expr`` at ``point`` (None if it has none)."""
    return evaluate([expr], point, digits, BALLS)[0]


def excludes_zero(ball: Number) -> bool:
    """Whether the interval ``ball`` proves its value is not zero."""
    return BALLS.sign(ball) in (1, -1)


def bound(ball: Number) -> mpmath.mpf:
    """The largest absolute value in ``ball`` (exact: an endpoint)."""
    low, high = ball._mpi_
    return max(abs(_exact(low)), abs(_exact(high)))


class _Walker:
    """Evaluates nodes at one point, each distinct sub-expression once."""

    def __init__(self, arithmetic: Arithmetic, point: dict[sympy.Symbol, Number | float],
                 convert: bool = False) -> None:
        self.a = arithmetic
        self.point = point
        #: Whether ``point`` holds plain floats, converted when a symbol is first met
        #: (in the arithmetic's precision; :meth:`value` keeps each one).
        self.convert = convert
        self.memo: dict[sympy.Basic, Number] = {}

    def value_or_none(self, expr: sympy.Basic) -> Number | None:
        try:
            return self.value(expr)
        except (_NoValue, ComplexResult, ZeroDivisionError, ValueError, OverflowError,
                TypeError, RecursionError):
            return None

    def value(self, expr: sympy.Basic) -> Number:
        result = self.memo.get(expr)
        if result is None:
            kind = type(expr)
            result = _handler(kind)(self, expr)
            if kind not in _CLOSED and not self.a.finite(result):
                raise _NoValue
            self.memo[expr] = result
        return result

    def symbol(self, expr: sympy.Symbol) -> Number:
        if expr not in self.point:
            raise _NoValue
        value = self.point[expr]
        if not self.convert:
            return value
        return _coordinate(self.a, value)

    def rational(self, expr: sympy.Rational) -> Number:
        return self.a.number(expr)

    def float(self, expr: sympy.Float) -> Number:
        return self.a.exact(expr._mpf_)

    def constant(self, expr: sympy.Basic) -> Number:
        if expr is sympy.pi:
            return self.a.ctx.pi
        if expr is sympy.E:
            return self.a.ctx.e
        raise _NoValue  # another constant (EulerGamma, ...): not of the language

    @staticmethod
    def unsupported(expr: sympy.Basic) -> Number:
        raise _NoValue  # not a node of the language: no claim is decided on it

    # Sums, products and powers.

    def add(self, expr: sympy.Add) -> Number:
        return self.a.total([self.value(arg) for arg in expr.args])

    def mul(self, expr: sympy.Mul) -> Number:
        return self.a.product([self.value(arg) for arg in expr.args])

    def pow(self, expr: sympy.Pow) -> Number:
        base, exponent = expr.args
        b = self.value(base)
        if exponent.is_Integer:
            n = int(exponent)
            if n < 0 and self.a.sign(b) in (0, None):
                raise _NoValue  # a pole (or possibly one)
            return b**n if n >= 0 else 1 / b**-n
        sign = self.a.sign(b)
        if exponent.is_Rational and exponent.q == 2 and (
                sign == 1 or (sign == 0 and exponent.p > 0)):
            root = self.a.ctx.sqrt(b)  # tighter, and defined at zero
            return root**exponent.p if exponent.p > 0 else 1 / root**-exponent.p
        if sign == 1:
            power = self.value(exponent) * self.a.ctx.log(b)
            if self.a.bits(power) > MAX_ARGUMENT_BITS:
                raise _NoValue
            return self.a.ctx.exp(power)
        if sign == 0 and exponent.is_positive:
            return b  # zero
        raise _NoValue  # a non-integer power of a negative number is not real

    # Functions.

    def argument(self, expr: sympy.Expr) -> Number:
        """The value of the argument of ``exp``, ``sin``, ``cos`` or ``tan``."""
        x = self.value(expr.args[0])
        if self.a.bits(x) > MAX_ARGUMENT_BITS:
            raise _NoValue
        return x

    def exp(self, expr: sympy.exp) -> Number:
        return self.a.ctx.exp(self.argument(expr))

    def log(self, expr: sympy.log) -> Number:
        if len(expr.args) != 1:
            raise _NoValue
        x = self.value(expr.args[0])
        if self.a.sign(x) != 1:
            raise _NoValue
        return self.a.ctx.log(x)

    def sin(self, expr: sympy.sin) -> Number:
        return self.a.ctx.sin(self.argument(expr))

    def cos(self, expr: sympy.cos) -> Number:
        return self.a.ctx.cos(self.argument(expr))

    def tan(self, expr: sympy.tan) -> Number:
        x = self.argument(expr)
        if self.a.sign(self.a.ctx.cos(x)) in (0, None):
            raise _NoValue  # at (or possibly at) a pole
        return self.a.ctx.tan(x)

    def cot(self, expr: sympy.cot) -> Number:
        # SymPy writes tan(x + pi/2) as -cot(x): without it, the derivative of that
        # had no value in many digits, and a correct claim failed
        x = self.argument(expr)
        if self.a.sign(self.a.ctx.sin(x)) in (0, None):
            raise _NoValue  # at (or possibly at) a pole
        return self.a.ctx.cot(x)

    def tanh(self, expr: sympy.tanh) -> Number:
        return self.a.tanh(self.argument(expr))

    def abs(self, expr: sympy.Abs) -> Number:
        return abs(self.value(expr.args[0]))

    def sign_function(self, expr: sympy.sign) -> Number:
        return self._step(expr.args[0], (sympy.Integer(-1), sympy.Integer(0),
                                         sympy.Integer(1)))

    def heaviside(self, expr: sympy.Heaviside) -> Number:
        at_zero = expr.args[1] if len(expr.args) > 1 else sympy.S.Half
        return self._step(expr.args[0], (sympy.Integer(0), at_zero, sympy.Integer(1)))

    def dirac(self, expr: sympy.DiracDelta) -> Number:
        if len(expr.args) != 1 or self.a.sign(self.value(expr.args[0])) not in (1, -1):
            raise _NoValue  # infinite at zero
        return self.value(sympy.Integer(0))

    def _step(self, argument: sympy.Expr, values: tuple[sympy.Expr, ...]) -> Number:
        """A function of the sign of ``argument``: its values where that is negative,
        zero and positive."""
        sign = self.a.sign(self.value(argument))
        if sign is None:
            return self.a.hull([self.value(v) for v in values])
        return self.value(values[sign + 1])

    def max(self, expr: sympy.Max) -> Number:
        return self.a.extremum([self.value(a) for a in expr.args], largest=True)

    def min(self, expr: sympy.Min) -> Number:
        return self.a.extremum([self.value(a) for a in expr.args], largest=False)

    def piecewise(self, expr: sympy.Piecewise) -> Number:
        possible = []
        for branch, condition in expr.args:
            truth = self.truth(condition)
            if truth is False:
                continue
            possible.append(self.value(branch))
            if truth is True:
                return self.a.hull(possible)
        raise _NoValue  # no condition holds (SymPy's value is nan)

    # Conditions, in three-valued logic: True, False or None (undecided).

    def truth(self, condition: sympy.Basic) -> bool | None:
        if condition is sympy.true:
            return True
        if condition is sympy.false:
            return False
        if isinstance(condition, sympy.And | sympy.Or):
            values = [self.truth(c) for c in condition.args]
            decisive = isinstance(condition, sympy.Or)
            if decisive in values:
                return decisive
            return None if None in values else not decisive
        if isinstance(condition, sympy.Not):
            inner = self.truth(condition.args[0])
            return None if inner is None else not inner
        relation = _RELATIONS.get(type(condition))
        if relation is None:
            raise _NoValue
        sign = self.a.sign(self.value(condition.lhs) - self.value(condition.rhs))
        return None if sign is None else sign in relation


#: The signs of ``lhs - rhs`` that make each relation hold.
_RELATIONS: dict[type, tuple[int, ...]] = {
    sympy.StrictGreaterThan: (1,), sympy.GreaterThan: (0, 1),
    sympy.StrictLessThan: (-1,), sympy.LessThan: (-1, 0),
    sympy.Ne: (-1, 1), sympy.Eq: (0,),
}

#: Nodes whose value is finite when their arguments' are (mpmath's exponents are
#: unbounded: a sum or product of finite numbers never overflows), so not checked.
_CLOSED = frozenset({sympy.Add, sympy.Mul})


@functools.cache
def _handler(kind: type) -> Callable[[_Walker, Any], Number]:
    """How to evaluate a node of type ``kind`` (found once per type)."""
    if kind in _HANDLERS:
        return _HANDLERS[kind]
    if issubclass(kind, sympy.Symbol):
        return _Walker.symbol
    if issubclass(kind, sympy.Rational):
        return _Walker.rational
    if issubclass(kind, sympy.Float):
        return _Walker.float
    if issubclass(kind, sympy.NumberSymbol):
        return _Walker.constant
    return lambda walker, expr: _Walker.unsupported(expr)


_HANDLERS: dict[type, Callable[[_Walker, Any], Number]] = {
    sympy.Add: _Walker.add, sympy.Mul: _Walker.mul, sympy.Pow: _Walker.pow,
    sympy.exp: _Walker.exp, sympy.log: _Walker.log, sympy.sin: _Walker.sin,
    sympy.cos: _Walker.cos, sympy.tan: _Walker.tan, sympy.cot: _Walker.cot,
    sympy.tanh: _Walker.tanh,
    sympy.Abs: _Walker.abs, sympy.sign: _Walker.sign_function,
    sympy.Heaviside: _Walker.heaviside, sympy.DiracDelta: _Walker.dirac,
    sympy.Max: _Walker.max, sympy.Min: _Walker.min, sympy.Piecewise: _Walker.piecewise,
}


class Program:
    """``exprs`` compiled once for plain values at many points: each distinct
    sub-expression is a step of a straight-line program over the point's coordinates.

    The values are bit for bit those of :func:`evaluate` in :data:`PLAIN`: sums and
    products are folded by the same mpmath calls, every other node by the walker's
    own handler, reading its arguments from the steps before it. What changes is the
    cost: a walker looks each node up in its memo by the expression's hash at every
    point; a program does that once. The steps of a branch not taken (a where(), a
    step function) are computed too, and their values ignored, as a walker would never
    have computed them: a value depends only on its node and the point, and a node
    without a value is ``None`` in its step, which only the nodes that need it inherit.
    """

    def __init__(self, exprs: Sequence[sympy.Basic]) -> None:
        self.exprs = list(exprs)
        #: Each step: (kind, node, the steps of its arguments); in dependency order.
        self.steps: list[tuple[int, sympy.Basic, tuple[int, ...]]] = []
        #: node -> its step, by equality (as the walker's memo is keyed).
        self.index: dict[sympy.Basic, int] = {}
        self.outputs = [self._compile(e) for e in self.exprs]
        #: The constants' values, by precision and rounding (see _template).
        self._constants: dict[tuple, list[Any]] = {}
        #: Each step's symbols, by the steps of those symbols (see _dependencies).
        self._uses: list[frozenset[sympy.Basic]] | None = None
        self._ops: list[tuple] | None = None  # (see _steps)

    def _compile(self, root: sympy.Basic) -> int:
        """The step of ``root``, adding the steps of its nodes not met before (an
        explicit stack: a deep tree does not recurse)."""
        stack: list[tuple[sympy.Basic, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if node in self.index:
                continue
            children = _value_children(node)
            if not ready:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(children) if c not in self.index)
                continue
            kind = _ADD if type(node) is sympy.Add else _MUL if type(node) is sympy.Mul \
                else _SYMBOL if isinstance(node, sympy.Symbol) \
                else _CONSTANT if node.is_Atom and not node.free_symbols else _OTHER
            args = tuple(self.index[c] for c in node.args) if kind in (_ADD, _MUL) else ()
            self.index[node] = len(self.steps)
            self.steps.append((kind, node, args))
        return self.index[root]

    def values(self, point: dict[sympy.Symbol, float], digits: int) -> list[Number | None]:
        """The values of the expressions at ``point`` (None where one has none)."""
        ctx = PLAIN.ctx
        saved = ctx.prec
        ctx.dps = digits
        try:
            return self._run(point)
        finally:
            ctx.prec = saved

    def along(self, symbols: Sequence[sympy.Symbol], points: Any, digits: int
              ) -> Iterator[list[Number | None]]:
        """:meth:`values` at each of ``points`` (rows of coordinates of ``symbols``), in
        order, each row found as it is asked for.

        The same values, found with less work: most probe points lie on coordinate
        lines through a few base points, so a point shares all but one or two
        coordinates with a point evaluated shortly before it. A step's value depends
        only on its node, the values of the coordinates it contains and the precision
        (which is the same for all the points here), so the steps of the nearest of
        the last few points whose coordinates are all bit for bit the same are kept,
        and only the others are computed again, in the same order and by the same
        calls as :meth:`values`. Rows that are not all doubles are computed afresh."""
        symbols = list(symbols)
        array = np.asarray(points) if len(points) else np.empty((0, len(symbols)))
        if array.dtype != np.float64 or array.ndim != 2 or array.shape[1] != len(symbols) \
                or len(set(symbols)) != len(symbols):
            for row in points:
                yield self.values(dict(zip(symbols, row)), digits)
            return
        bits = array.view(np.int64)  # bit for bit: -0.0 differs from 0.0 here
        uses = self._dependencies()
        # the steps containing each coordinate, and those to compute again where some
        # coordinates changed (by the tuple of their columns)
        containing = [{k for k, used in enumerate(uses) if symbol in used}
                      for symbol in symbols]
        again: dict[tuple[int, ...], list[int]] = {}
        back = _nearest_recent(bits)
        states: list[list[Any] | None] = [None] * RECENT
        ctx = PLAIN.ctx
        for i, row in enumerate(array.tolist()):
            point = dict(zip(symbols, row))
            saved = ctx.prec
            ctx.dps = digits
            try:
                if back[i]:
                    slots = list(states[(i - back[i]) % RECENT])
                    columns = tuple(np.flatnonzero(bits[i] != bits[i - back[i]]).tolist())
                    redo = again.get(columns)
                    if redo is None:
                        redo = again[columns] = sorted(set().union(
                            *(containing[c] for c in columns)))
                    for k in redo:
                        slots[k] = _UNSET
                    self._steps(point, slots, redo)
                else:
                    slots = self._template(point)
                    self._steps(point, slots, range(len(self.steps)))
            finally:
                ctx.prec = saved
            states[i % RECENT] = slots
            yield [slots[k] for k in self.outputs]

    def _dependencies(self) -> list[frozenset[sympy.Basic]]:
        """The symbols each step's value may depend on: those in its node (as
        :attr:`sympy.Basic.free_symbols` finds them, bound ones included, which only
        makes a step computed again when it need not be)."""
        if self._uses is None:
            found: dict[sympy.Basic, frozenset[sympy.Basic]] = {}

            def symbols_of(root: sympy.Basic) -> frozenset[sympy.Basic]:
                stack = [(root, False)]
                while stack:
                    node, ready = stack.pop()
                    if node in found:
                        continue
                    if isinstance(node, sympy.Symbol):
                        found[node] = frozenset((node,))
                        continue
                    if not ready:
                        stack.append((node, True))
                        stack.extend((a, False) for a in node.args if a not in found)
                        continue
                    found[node] = frozenset().union(*(found[a] for a in node.args))
                return found[root]

            self._uses = [symbols_of(node) for _, node, _ in self.steps]
        return self._uses

    def _template(self, point: dict[sympy.Symbol, float]) -> list[Any]:
        """The steps with the constants' values filled in: a number, ``pi`` or ``E``
        depends only on the precision and the rounding, which key the memo."""
        key = tuple(PLAIN.ctx._prec_rounding)
        template = self._constants.get(key)
        if template is None:
            template = [_UNSET] * len(self.steps)
            walker = _SlotWalker(PLAIN, point, self.index, template)
            for k, (kind, node, _) in enumerate(self.steps):
                if kind == _CONSTANT:
                    template[k] = walker.own_value(node)
            self._constants[key] = template
        return list(template)

    def _run(self, point: dict[sympy.Symbol, float]) -> list[Number | None]:
        slots = self._template(point)
        self._steps(point, slots, range(len(self.steps)))
        return [slots[k] for k in self.outputs]

    def _steps(self, point: dict[sympy.Symbol, float], slots: list[Any],
               which: Iterable[int]) -> None:
        """Compute the steps ``which`` (in increasing order) at ``point`` into
        ``slots``, whose other steps hold their values at ``point`` already."""
        prec, rounding = PLAIN.ctx._prec_rounding
        make = PLAIN.ctx.make_mpf
        ops = self._ops
        if ops is None:
            # each step as (kind, node, fold, first argument, the others), found once
            ops = self._ops = [
                (kind, node, mpf_add if kind == _ADD else mpf_mul, args[0], args[1:])
                if kind in (_ADD, _MUL) else (kind, node, None, None, None)
                for kind, node, args in self.steps]
        # (the walker lives for this call only: the caller's point is not copied)
        walker = _SlotWalker(PLAIN, point, self.index, slots)
        for k in which:
            kind, node, fold, first, rest = ops[k]
            if fold is not None:
                try:
                    raw = slots[first]._mpf_
                    for i in rest:
                        raw = fold(raw, slots[i]._mpf_, prec, rounding)
                except AttributeError:  # an argument without a value (None)
                    slots[k] = None
                    continue
                slots[k] = make(raw)
            elif kind == _SYMBOL and node in point:
                # What the walker's symbol() and its finiteness check give.
                try:
                    number = _coordinate(PLAIN, point[node])
                except (TypeError, ValueError, OverflowError):
                    number = None
                slots[k] = number if number is not None and PLAIN.finite(number) else None
            elif kind != _CONSTANT:
                slots[k] = walker.own_value(node)


def _nearest_recent(bits: np.ndarray) -> np.ndarray:
    """For each row of ``bits`` (points' coordinates, bit for bit), how many rows back
    (1 to ``RECENT``) is the point with which it shares the most coordinates; 0 for
    the first, and where none of those shares any."""
    count, width = bits.shape
    back = np.zeros(count, dtype=np.int64)
    fewest = np.full(count, width)  # (a reference must share at least one coordinate)
    for r in range(1, min(RECENT, count - 1) + 1):
        changed = np.count_nonzero(bits[r:] != bits[:-r], axis=1)
        better = changed < fewest[r:]
        fewest[r:][better] = changed[better]
        back[r:][better] = r
    return back


_ADD, _MUL, _SYMBOL, _CONSTANT, _OTHER = range(5)
_UNSET = object()  # a step not computed yet (None is a step without a value)


def _value_children(node: sympy.Basic) -> list[sympy.Basic]:
    """The sub-expressions whose values the walker may ask for at ``node``: its
    arguments, and of a Piecewise the branches and the sides of their conditions
    (conditions themselves have truth values, not values)."""
    if isinstance(node, sympy.Piecewise):
        children: list[sympy.Basic] = []
        for branch, condition in node.args:
            children.append(branch)
            children.extend(_condition_sides(condition))
        return children
    if node.is_Atom:
        return []
    return list(node.args)


def _condition_sides(condition: sympy.Basic) -> list[sympy.Basic]:
    if isinstance(condition, sympy.And | sympy.Or | sympy.Not):
        return [side for c in condition.args for side in _condition_sides(c)]
    if type(condition) in _RELATIONS:
        return [condition.lhs, condition.rhs]
    return []


class _SlotWalker(_Walker):
    """The walker of one point of a :class:`Program`: a node's arguments are read from
    the program's steps; a node it has no step for (the constants a step function
    returns) is walked as usual."""

    def __init__(self, arithmetic: Arithmetic, point: dict[sympy.Symbol, float],
                 index: dict[sympy.Basic, int], slots: list[Any]) -> None:
        super().__init__(arithmetic, point, convert=True)
        self.index = index
        self.slots = slots

    def value(self, expr: sympy.Basic) -> Number:
        k = self.index.get(expr)
        if k is None or self.slots[k] is _UNSET:
            return super().value(expr)
        found = self.slots[k]
        if found is None:
            raise _NoValue
        return found

    def own_value(self, expr: sympy.Basic) -> Number | None:
        """The value of a step's node from its arguments' (None where it has none).

        A program computes nodes a walker would not have reached (in a branch not
        taken), so any refusal of a handler is no value there, not an error."""
        try:
            return super().value(expr)
        except (_NoValue, ComplexResult, ArithmeticError, ValueError, TypeError,
                AttributeError, LookupError, RecursionError):
            return None

"""The symengine backend: the fast path of issue 15 (a C++ CAS with Python wheels).

Its values are symengine's; its ``diff`` is symengine's, with the language's own rules
for the kinks symengine leaves unevaluated (:mod:`.symengine_rules`). Its symbols carry
no assumptions, so it only applies identities true of complex numbers (never wrong for
real ones, only sometimes less simple). :meth:`SymengineBackend.to_sympy` gives SymPy
the same expression, real symbols and the step ``Heaviside(u, 0)`` included, for what
the fast path cannot decide.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, ClassVar

import symengine as se
from symengine.lib.symengine_wrapper import FunctionSymbol

from .backend import Expr, Matrix, Unsupported
from .kinks import resolve_kinks
from .symengine_rules import KINKS, differentiate


def sigmoid(z: Expr) -> Expr:
    """The logistic function, written out as in SymPy (the two must agree)."""
    return 1 / (1 + se.exp(-z))


_RELATIONS: dict[str, Callable[[Expr, Expr], Expr]] = {
    "<": se.Lt, "<=": se.Le, ">": se.Gt, ">=": se.Ge, "!=": se.Ne, "==": se.Eq}
_DECIDE: dict[str, Callable[[Fraction | float, Fraction | float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "!=": lambda a, b: a != b, "==": lambda a, b: a == b}


class SymengineBackend:
    """symengine's expressions and matrices, the language's derivative rules."""

    name = "symengine"
    pi = se.pi
    true = se.true
    false = se.false
    elementwise: ClassVar[dict[str, Callable[[Expr], Expr]]] = {
        "exp": se.exp, "log": se.log, "ln": se.log, "sqrt": se.sqrt,
        "sin": se.sin, "cos": se.cos, "tan": se.tan, "tanh": se.tanh,
        "sigmoid": sigmoid, "relu": lambda z: se.Max(0, z), "abs": se.Abs,
    }

    def __init__(self) -> None:
        #: name -> SymPy's real symbol, for :meth:`to_sympy`.
        self._sympy_symbols: dict[str, Any] = {}

    def symbol(self, name: str) -> Expr:
        return se.Symbol(name)

    def rational(self, numerator: int, denominator: int = 1) -> Expr:
        return se.Rational(numerator, denominator) if denominator != 1 \
            else se.Integer(numerator)

    def is_symbol(self, expr: Expr) -> bool:
        return isinstance(expr, se.Symbol) and not isinstance(expr, se.Dummy)

    def is_backend_object(self, value: object) -> bool:
        return isinstance(value, se.Basic | se.DenseMatrix)

    def real_number(self, expr: Expr) -> bool:
        return bool(expr.is_number) and expr.is_real is True

    def exact_rational(self, expr: Expr) -> tuple[int, int] | None:
        if isinstance(expr, se.Integer):
            return int(expr), 1
        if isinstance(expr, se.Rational):
            p, q = expr.get_num_den()
            return int(p), int(q)
        return None

    def abs_exceeds(self, expr: Expr, limit: int) -> bool:
        exact = self.exact_rational(expr)
        if exact is not None:  # exactly: a float of a huge integer is inf
            return abs(Fraction(*exact)) > limit
        return abs(float(expr)) > limit

    def log10_abs(self, expr: Expr) -> float:
        exact = self.exact_rational(expr)
        if exact is not None:
            return math.log10(abs(exact[0])) - math.log10(exact[1])
        return math.log10(abs(float(expr)))

    def is_integer(self, expr: Expr) -> bool | None:
        return expr.is_integer

    def is_nonnegative(self, expr: Expr) -> bool | None:
        return expr.is_nonnegative

    def is_real(self, expr: Expr) -> bool | None:
        # Only numbers: symengine's symbols are not known to be real.
        return True if expr.is_number and expr.is_real else None

    def has_infinity(self, expr: Expr) -> bool:
        return any(expr.has(v) for v in (se.zoo, se.nan, se.oo, -se.oo))

    def has_pieces(self, expr: Expr) -> bool:
        return bool(expr.atoms(*KINKS))  # the step is a Piecewise here

    def add(self, terms: Sequence[Expr]) -> Expr:
        return se.Add(*terms) if terms else se.Integer(0)

    def maximum(self, a: Expr, b: Expr) -> Expr:
        return se.Max(a, b)

    def minimum(self, a: Expr, b: Expr) -> Expr:
        return se.Min(a, b)

    def sqrt(self, expr: Expr) -> Expr:
        return se.sqrt(expr)

    def piecewise(self, yes: Expr, condition: Expr, no: Expr) -> Expr:
        return se.Piecewise((yes, condition), (no, True))

    def relation(self, op: str, left: Expr, right: Expr) -> Expr:
        """A relation, decided at once when both sides are rational numbers; other real
        numbers (pi) are decided by symengine only when it can say."""
        a, b = self.exact_rational(left), self.exact_rational(right)
        if a is not None and b is not None:
            return se.true if _DECIDE[op](Fraction(*a), Fraction(*b)) else se.false
        return _RELATIONS[op](left, right)

    def conjunction(self, a: Expr, b: Expr) -> Expr:
        return se.And(a, b)

    def conjuncts(self, condition: Expr) -> list[Expr]:
        return list(condition.args) if isinstance(condition, se.And) else [condition]

    def strict_sides(self, condition: Expr) -> tuple[Expr, Expr] | None:
        """(smaller, larger) of a strict inequality (symengine keeps only ``<``)."""
        if isinstance(condition, se.StrictLessThan):
            return condition.args[0], condition.args[1]
        return None

    def matrix(self, rows: int, cols: int, entry: Callable[[int, int], Expr]) -> Matrix:
        return se.DenseMatrix(rows, cols, [entry(i, j) for i in range(rows)
                                           for j in range(cols)])

    def eye(self, size: int) -> Matrix:
        return se.eye(size)

    def ones(self, rows: int, cols: int) -> Matrix:
        return se.ones(rows, cols)

    def zeros(self, rows: int, cols: int) -> Matrix:
        return se.zeros(rows, cols)

    def diag(self, entries: Sequence[Expr]) -> Matrix:
        return se.diag(*entries)

    def hstack(self, blocks: Sequence[Matrix]) -> Matrix:
        result = blocks[0]
        for block in blocks[1:]:
            result = result.row_join(block)
        return result

    def vstack(self, blocks: Sequence[Matrix]) -> Matrix:
        result = blocks[0]
        for block in blocks[1:]:
            result = result.col_join(block)
        return result

    def row(self, matrix: Matrix, index: int) -> Matrix:
        return matrix[index, :]

    def diff(self, expr: Expr, symbol: Expr) -> Expr:
        return differentiate(expr, symbol)

    def expand(self, expr: Expr) -> Expr:
        return se.expand(expr)

    def is_zero(self, expr: Expr) -> bool:
        return se.expand(expr) == 0

    def subs(self, expr: Expr, mapping: dict[Expr, Expr]) -> Expr:
        return expr.subs(mapping)

    def resolve(self, expr: Expr, conditions: Sequence[Expr]) -> Expr:
        """``expr`` with every kink whose side strict ``conditions`` fix replaced by
        that side (see :mod:`.kinks`)."""
        return resolve_kinks(self, expr, conditions, lambda e: e.atoms(*KINKS), _resolved,
                             lambda e, replace: e.subs(replace))

    def compile(self, exprs: Sequence[Expr], symbols: Sequence[Expr]
                ) -> Callable[[Sequence[float]], list[float]]:
        """A numeric function by symengine's ``lambda`` backend: its LLVM backend
        compiles about 200 times slower and a check runs each function only a few
        times (benchmarks/FASTPATH.md)."""
        fn = se.Lambdify(list(symbols), list(exprs), backend="lambda")
        return lambda point: [float(v) for v in fn(list(point))]

    def to_sympy(self, expr: Expr) -> Any:
        """The same expression in SymPy, over real symbols, with steps as
        ``Heaviside(u, 0)``."""
        import sympy

        if isinstance(expr, se.DenseMatrix):
            return sympy.Matrix(expr.rows, expr.cols, [self.to_sympy(e) for e in expr])
        converted = sympy.sympify(expr)
        real = {s: self._real(s.name) for s in converted.free_symbols}
        converted = converted.xreplace(real)
        if converted.has(sympy.Piecewise):
            converted = converted.replace(_is_step, _heaviside)
        return converted

    def _real(self, name: str) -> Any:
        import sympy

        if name not in self._sympy_symbols:
            self._sympy_symbols[name] = sympy.Symbol(name, real=True)
        return self._sympy_symbols[name]

    def from_sympy(self, expr: Any) -> Expr:
        import sympy

        try:
            if isinstance(expr, sympy.MatrixBase):
                return se.DenseMatrix(expr.rows, expr.cols, [_native(e) for e in expr])
            return _native(expr)
        except (se.SympifyError, NotImplementedError, TypeError) as error:
            raise Unsupported(f"symengine cannot hold {expr}") from error


def _native(expr: Any) -> Expr:
    """``expr`` in symengine, refused if any part of it would be a SymPy function
    symengine only wraps (Heaviside, an undefined function): symengine differentiates
    those by rules of its own, not the language's, so that check stays in SymPy."""
    converted = se.sympify(expr)
    pending = [converted]
    while pending:
        node = pending.pop()
        if isinstance(node, FunctionSymbol):  # PyFunction too
            raise Unsupported(f"symengine has no {type(node).__name__} of its own")
        pending.extend(node.args)
    return converted


def _is_step(expr: Any) -> bool:
    """Whether ``expr`` is SymPy's ``Piecewise((1, u > 0), (0, True))``, the step of
    :func:`.symengine_rules.step`."""
    import sympy

    return (isinstance(expr, sympy.Piecewise) and len(expr.args) == 2
            and expr.args[0].expr == 1 and expr.args[1].expr == 0
            and expr.args[1].cond == sympy.true
            and isinstance(expr.args[0].cond, sympy.StrictGreaterThan | sympy.StrictLessThan))


def _heaviside(expr: Any) -> Any:
    """SymPy's step of :func:`_is_step`'s Piecewise: 0 at 0, as :func:`.symengine_rules.step`."""
    import sympy

    condition = expr.args[0].cond
    return sympy.Heaviside(condition.gts - condition.lts, 0)


def _resolved(node: Expr, facts: set[Expr], conditions: Sequence[Expr]) -> Expr | None:
    """What ``node`` is where every fact is positive, or None if they do not say."""
    def positive(u: Expr) -> bool:
        return se.expand(u) in facts
    if isinstance(node, se.Max | se.Min) and len(node.args) == 2:
        a, b = node.args
        if positive(a - b):
            return a if isinstance(node, se.Max) else b
        if positive(b - a):
            return b if isinstance(node, se.Max) else a
        return None
    if isinstance(node, se.Abs | se.sign):
        u = node.args[0]
        sign = 1 if positive(u) else -1 if positive(-u) else 0
        if not sign:
            return None
        return sign * u if isinstance(node, se.Abs) else se.Integer(sign)
    if isinstance(node, se.Piecewise):
        args = node.args
        if len(args) == 4 and args[3] == se.true:
            if args[1] in conditions:
                return args[0]
            cond = args[1]
            if isinstance(cond, se.StrictLessThan) and positive(cond.args[1] - cond.args[0]):
                return args[0]
    return None


SYMENGINE = SymengineBackend()

"""The SymPy backend: what every check computes with today, and the reference.

Each method is the SymPy call the evaluator made before the backends existed, so that
evaluating through this backend changes nothing (the whole test suite is the proof).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import sympy

from ..calculus.differentiate import jacobian
from .backend import Expr, Matrix
from .kinks import resolve_kinks

#: The nodes a strict :where: condition may resolve to one side.
_KINKS = (sympy.Max, sympy.Min, sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Piecewise)


def sigmoid(z: sympy.Expr) -> sympy.Expr:
    """The logistic function, written out so SymPy can differentiate it."""
    return 1 / (1 + sympy.exp(-z))


_RELATIONS = {"<": sympy.StrictLessThan, "<=": sympy.LessThan,
              ">": sympy.StrictGreaterThan, ">=": sympy.GreaterThan, "!=": sympy.Ne,
              "==": sympy.Eq}  # "==" only in :where: (an equality constraint)


class SympyBackend:
    """SymPy's expressions, matrices and ``diff`` (by :mod:`..calculus.differentiate`)."""

    name = "sympy"
    pi = sympy.pi
    true = sympy.true
    false = sympy.false
    elementwise: ClassVar[dict[str, Callable[[Expr], Expr]]] = {
        "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sqrt": sympy.sqrt,
        "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh,
        "sigmoid": sigmoid, "relu": lambda z: sympy.Max(0, z), "abs": sympy.Abs,
    }

    def symbol(self, name: str) -> Expr:
        return sympy.Symbol(name, real=True)

    def rational(self, numerator: int, denominator: int = 1) -> Expr:
        return sympy.Rational(numerator, denominator)

    def is_symbol(self, expr: Expr) -> bool:
        return isinstance(expr, sympy.Symbol)

    def is_backend_object(self, value: object) -> bool:
        return isinstance(value, sympy.Basic)

    def real_number(self, expr: Expr) -> bool:
        return bool(expr.is_number and expr.is_real)

    def exact_rational(self, expr: Expr) -> tuple[int, int] | None:
        return (int(expr.p), int(expr.q)) if isinstance(expr, sympy.Rational) else None

    def abs_exceeds(self, expr: Expr, limit: int) -> bool:
        return bool(abs(expr) > limit)

    def log10_abs(self, expr: Expr) -> float:
        return float(sympy.log(abs(expr), 10))

    def is_integer(self, expr: Expr) -> bool | None:
        return expr.is_integer

    def is_nonnegative(self, expr: Expr) -> bool | None:
        return expr.is_nonnegative

    def is_real(self, expr: Expr) -> bool | None:
        return expr.is_extended_real

    def has_infinity(self, expr: Expr) -> bool:
        return expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)

    def has_pieces(self, expr: Expr) -> bool:
        return expr.has(sympy.Piecewise, sympy.Max, sympy.Min, sympy.Abs, sympy.sign,
                        sympy.Heaviside)

    def add(self, terms: Sequence[Expr]) -> Expr:
        return sympy.Add(*terms)

    def maximum(self, a: Expr, b: Expr) -> Expr:
        return sympy.Max(a, b)

    def minimum(self, a: Expr, b: Expr) -> Expr:
        return sympy.Min(a, b)

    def sqrt(self, expr: Expr) -> Expr:
        return sympy.sqrt(expr)

    def piecewise(self, yes: Expr, condition: Expr, no: Expr) -> Expr:
        return sympy.Piecewise((yes, condition), (no, True))

    def relation(self, op: str, left: Expr, right: Expr) -> Expr:
        """A relation, decided at once when both sides are numbers (``n > 1`` at n = 2)."""
        relation = _RELATIONS[op]
        if left.is_number and right.is_number and left.is_real and right.is_real:
            return sympy.true if relation(left, right) else sympy.false
        return relation(left, right, evaluate=False)

    def conjunction(self, a: Expr, b: Expr) -> Expr:
        return sympy.And(a, b)

    def conjuncts(self, condition: Expr) -> list[Expr]:
        return list(condition.args) if isinstance(condition, sympy.And) else [condition]

    def strict_sides(self, condition: Expr) -> tuple[Expr, Expr] | None:
        """(smaller, larger) of a strict inequality, else None."""
        if isinstance(condition, sympy.StrictLessThan | sympy.StrictGreaterThan):
            return condition.lts, condition.gts
        return None

    def matrix(self, rows: int, cols: int, entry: Callable[[int, int], Expr]) -> Matrix:
        return sympy.Matrix(rows, cols, entry)

    def eye(self, size: int) -> Matrix:
        return sympy.eye(size)

    def ones(self, rows: int, cols: int) -> Matrix:
        return sympy.ones(rows, cols)

    def zeros(self, rows: int, cols: int) -> Matrix:
        return sympy.zeros(rows, cols)

    def diag(self, entries: Sequence[Expr]) -> Matrix:
        return sympy.diag(*entries)

    def hstack(self, blocks: Sequence[Matrix]) -> Matrix:
        return sympy.Matrix.hstack(*blocks)

    def vstack(self, blocks: Sequence[Matrix]) -> Matrix:
        return sympy.Matrix.vstack(*blocks)

    def row(self, matrix: Matrix, index: int) -> Matrix:
        return matrix[index, :]

    def diff(self, expr: Expr, symbol: Expr) -> Expr:
        """d expr / d symbol by the language's rules (:mod:`..calculus.differentiate`)."""
        return jacobian([expr], [symbol])[0, 0]

    def expand(self, expr: Expr) -> Expr:
        return sympy.expand(expr)

    def is_zero(self, expr: Expr) -> bool:
        return sympy.expand(expr) == 0

    def subs(self, expr: Expr, mapping: dict[Expr, Expr]) -> Expr:
        return expr.xreplace(mapping)

    def resolve(self, expr: Expr, conditions: Sequence[Expr]) -> Expr:
        """``expr`` with every kink whose side strict ``conditions`` fix replaced by
        that side (see :mod:`.kinks`)."""
        return resolve_kinks(self, expr, conditions, lambda e: e.atoms(*_KINKS), _resolved,
                             lambda e, replace: e.xreplace(replace))

    def compile(self, exprs: Sequence[Expr], symbols: Sequence[Expr]
                ) -> Callable[[Sequence[float]], list[float]]:
        fn = sympy.lambdify([list(symbols)], list(exprs), modules="math")
        return lambda point: fn(list(point))

    def to_sympy(self, expr: Expr) -> Any:
        return expr

    def from_sympy(self, expr: Any) -> Expr:
        return expr


def _resolved(node: Expr, facts: set[Expr], conditions: Sequence[Expr]) -> Expr | None:
    """What ``node`` is where every fact is positive, or None if they do not say."""
    def positive(u: Expr) -> bool:
        return sympy.expand(u) in facts
    if isinstance(node, sympy.Max | sympy.Min) and len(node.args) == 2:
        a, b = node.args
        big, small = (a, b) if positive(a - b) else (b, a) if positive(b - a) else (None,) * 2
        if big is None:
            return None
        return big if isinstance(node, sympy.Max) else small
    if isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside):
        u = node.args[0]
        sign = 1 if positive(u) else -1 if positive(-u) else 0
        if not sign:
            return None
        if isinstance(node, sympy.Abs):
            return sign * u
        return sympy.Integer(sign) if isinstance(node, sympy.sign) else \
            sympy.Integer(int(sign > 0))
    if isinstance(node, sympy.Piecewise) and len(node.args) == 2 \
            and node.args[1].cond == sympy.true and node.args[0].cond in conditions:
        return node.args[0].expr
    return None


SYMPY = SympyBackend()

"""The differential of an expression tree: the rules of matrix calculus.

``d(A @ B) = dA @ B + A @ dB``, ``d(A.T) = dA.T``, ``d trace(A) = trace(dA)``,
``d det(X) = det(X) trace(inv(X) dX)``, ``d inv(X) = -inv(X) dX inv(X)``,
``d logdet(X) = trace(inv(X) dX)``, ``d f(z) = f'(z) * dz`` entry by entry (``where`` for
the kinks of relu, abs, max), and so on. The differential of the variable ``X`` is the
name ``d:X`` (not a name of the language, so it cannot clash with the author's), and
the result is linear in it; :mod:`.readoff` reads the derivative off it. ``None`` is a
zero differential (the subtree does not depend on the variable).
"""

from __future__ import annotations

from fractions import Fraction

from ...language.syntax import (
    BINDERS,
    ArrayLit,
    Binary,
    Call,
    Compare,
    Const,
    Expr,
    Name,
    Num,
    Transpose,
    Unary,
    names_in,
)
from .algebra import Algebra, number
from .shape import Unsupported, is_column, is_vector

MARK = "d:"

ONE, TWO = Num(Fraction(1)), Num(Fraction(2))


def marker(variable: str) -> Name:
    """The differential of ``variable`` inside a differential tree."""
    return Name(MARK + variable)


def mask(condition: Compare, yes: int = 1, no: int = 0) -> Expr:
    """``where(condition, yes, no)``: the derivative of a piece of a piecewise function."""
    return Call("where", (condition, number(Fraction(yes)), number(Fraction(no))))


def _gt(a: Expr, b: Expr) -> Compare:
    return Compare((">",), (a, b))


def derivative_of(func: str, z: Expr, alg: Algebra) -> Expr:
    """``f'(z)`` for an element-wise function ``f``, as a tree."""
    call = Call(func, (z,))
    zero = Num(Fraction(0))
    table = {
        "exp": lambda: call,
        "log": lambda: alg.div(ONE, z),
        "ln": lambda: alg.div(ONE, z),
        "sqrt": lambda: alg.div(ONE, alg.mul(TWO, Call("sqrt", (z,)))),
        "sin": lambda: Call("cos", (z,)),
        "cos": lambda: alg.neg(Call("sin", (z,))),
        "tan": lambda: alg.add(ONE, alg.power(Call("tan", (z,)), TWO)),
        "tanh": lambda: alg.sub(ONE, alg.power(Call("tanh", (z,)), TWO)),
        "sigmoid": lambda: alg.mul(call, alg.sub(ONE, call)),
        "relu": lambda: mask(_gt(z, zero)),
        "abs": lambda: mask(_gt(z, zero), 1, -1),
    }
    if func not in table:
        raise Unsupported(func)
    return table[func]()  # type: ignore[no-any-return]


class Differential:
    """Differentials by one variable, over the algebra of one problem."""

    def __init__(self, alg: Algebra, variable: str) -> None:
        self.alg = alg
        self.variable = variable
        self.dx = marker(variable)

    def depends(self, node: Expr) -> bool:
        return self.variable in names_in(node)

    def d(self, node: Expr) -> Expr | None:
        """The differential of ``node`` (``None`` if it does not depend on the variable)."""
        if not self.depends(node):
            return None
        alg = self.alg
        match node:
            case Name():
                return self.dx
            case Unary(op=op, operand=operand):
                inner = self.d(operand)
                return alg.neg(inner) if op == "-" else inner
            case Transpose(operand=operand):
                return alg.transpose(self.d(operand))
            case Binary(op="+", left=left, right=right):
                return alg.add(self.d(left), self.d(right))
            case Binary(op="-", left=left, right=right):
                return alg.sub(self.d(left), self.d(right))
            case Binary(op="*", left=a, right=b):
                return alg.add(alg.mul(self.d(a), b), alg.mul(a, self.d(b)))
            case Binary(op="@", left=a, right=b):
                return alg.add(alg.matmul(self.d(a), b), alg.matmul(a, self.d(b)))
            case Binary(op="/", left=a, right=b):
                db = self.d(b)
                quotient = None if db is None else alg.div(alg.mul(a, db), alg.power(b, TWO))
                return alg.sub(alg.div(self.d(a), b), quotient)
            case Binary(op="**", left=a, right=b):
                return self._power(a, b)
            case Call():
                return self._call(node)
            case Num() | Const():
                return None
            case ArrayLit():
                raise Unsupported("an array literal that depends on the variable")
        raise Unsupported(type(node).__name__)

    def _power(self, a: Expr, b: Expr) -> Expr | None:
        alg = self.alg
        if self.depends(b):
            # d(a**b) = a**b * (log(a) db + b da / a)
            inner = alg.add(alg.mul(Call("log", (a,)), self.d(b)),
                            alg.div(alg.mul(b, self.d(a)), a))
            return alg.mul(Binary("**", a, b), inner)
        if isinstance(a, Call) and a.func == "norm" and b == TWO:
            return alg.mul(TWO, self._inner(a.args[0], self.d(a.args[0])))
        lower = number(b.value - 1) if isinstance(b, Num) else alg.sub(b, ONE)
        assert lower is not None
        factor = alg.mul(b, alg.power(a, lower)) if lower != Num(Fraction(0)) else b
        return alg.mul(factor, self.d(a))

    def _inner(self, a: Expr, da: Expr | None) -> Expr | None:
        """``<a, da>``: the sum of the entry-wise product, ``a.T @ da`` for vectors."""
        alg = self.alg
        shape = alg.shapes.of(a)
        if not shape:
            return alg.mul(a, da)
        if is_vector(shape):
            return alg.matmul(alg.transpose(alg.column(a)), alg.column(da)) \
                if da is not None else None
        product = alg.mul(a, da)
        return None if product is None else Call("sum", (product,))

    def _call(self, node: Call) -> Expr | None:
        alg, func, args = self.alg, node.func, node.args
        if func in ("eye", "ones", "zeros"):
            return None
        if func in ("max", "min", "where"):
            return self._piecewise(node)
        if func in BINDERS and len(args) > 1:
            raise Unsupported("sums and arrays over indices")
        if func in ("sum", "mean", "diag", "trace", "tr", "vec"):
            inner = self.d(args[0])
            if inner is None:
                return None
            if func in ("sum", "mean") and alg.scalar(inner):
                return inner
            return Call(func, (inner,))
        a = args[0]
        if func == "dot":
            return self.d(Binary("@", alg.transpose(alg.column(a)), alg.column(args[1])))
        if func == "norm":
            return alg.div(self._inner(a, self.d(a)), node)
        if func == "det":
            return alg.mul(node, self._trace_inv(a))
        if func == "logdet":
            return self._trace_inv(a)
        if func == "inv":
            return alg.neg(alg.matmul(alg.matmul(node, self.d(a)), node))
        if func == "outer":
            b = args[1]
            return alg.add(alg.matmul(alg.column(self.d(a)) if self.depends(a) else None,
                                      alg.transpose(alg.column(b))),
                           alg.matmul(alg.column(a), alg.transpose(alg.column(self.d(b)))
                                      if self.depends(b) else None))
        if func in ("softmax", "logsumexp"):
            if not is_column(alg.shapes.of(a)):
                raise Unsupported("softmax of a non-column")
            p = Call("softmax", (a,))
            if func == "logsumexp":
                return alg.matmul(Transpose(p), self.d(a))
            jac = alg.sub(Call("diag", (p,)), alg.matmul(p, Transpose(p)))
            return alg.matmul(jac, self.d(a))
        if len(args) == 1:
            return alg.mul(derivative_of(func, a, alg), self.d(a))
        raise Unsupported(func)

    def _trace_inv(self, a: Expr) -> Expr | None:
        inner = self.alg.matmul(Call("inv", (a,)), self.d(a))
        return None if inner is None else Call("trace", (inner,))

    def _piecewise(self, node: Call) -> Expr | None:
        alg = self.alg
        if node.func == "where":
            condition, a, b = node.args
            assert isinstance(condition, Compare)
            return alg.add(alg.mul(mask(condition), self.d(a)),
                           alg.mul(mask(condition, 0, 1), self.d(b)))
        a, b = node.args
        bigger = _gt(a, b) if node.func == "max" else _gt(b, a)
        if not self.depends(a):  # max(0, z): where(z > 0, 1, 0) * dz
            flipped = _gt(b, a) if node.func == "max" else _gt(a, b)
            return alg.mul(mask(flipped), self.d(b))
        return alg.add(alg.mul(mask(bigger), self.d(a)),
                       alg.mul(mask(bigger, 0, 1), self.d(b)))

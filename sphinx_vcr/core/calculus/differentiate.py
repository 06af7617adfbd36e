"""Differentiation of SymPy expressions, with the conventions of the language.

Three rules differ from SymPy's defaults: relu'(0) = 0 (the step function is 0 at 0),
d|u| = sign(u) du for any argument, since the language is real, and the derivative of a
step (a second derivative at a kink, in a Hessian) is 0: SymPy's Dirac delta is 0
wherever it has a value, and the sample points keep off the kinks, where none exists.
Everything that differentiates (a directive's derivative, ``diff()`` inside an
expression, the derivatives of abstract functions' replacements) goes through here, so
they agree.
"""

from __future__ import annotations

import sympy

from ..symbolic import elementary
from ..symbolic.backend import Unsupported
from ..symbolic.walk import has_any


def fix_relu_convention(expr: sympy.Expr) -> sympy.Expr:
    """Make the step function 0 at 0, so relu'(0) = max(0, z)'(0) = 0 (our convention).

    SymPy's rule for ``Max`` writes ``Heaviside(u)``, which SymPy 1.9 and later build
    as ``Heaviside(u, 1/2)`` (two arguments): a step with any value at 0 but 0 is
    made 0 there (the language has no Heaviside of its own, so every step here comes
    from a kink's derivative), as the fast path's step is (``symengine_rules.step``).
    """
    return expr.replace(lambda e: isinstance(e, sympy.Heaviside) and
                        (len(e.args) == 1 or e.args[1] != 0),
                        lambda e: sympy.Heaviside(e.args[0], 0))


class _RealAbs(sympy.Function):
    """``abs`` of an argument that SymPy cannot prove real (``sqrt(x) - 1``).

    The language is real: wherever the function has a value, the argument is real, and
    d|u| = sign(u) du. SymPy's own rule for an argument not known to be real goes
    through re, im and atan2, which have no value in the numeric checks, so a correct
    claim failed (and a :mistake: was wrongly confirmed).
    """

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sympy.sign(self.args[0])


class _LogAbs(sympy.Function):
    """``log|u|``, whose derivative is du / u: SymPy's sign(u) du / |u| is the same
    for real u but cannot be cancelled against a claim such as ``trace(inv(X) @ B)``
    (d logdet(X)), so such claims were only compared numerically."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return 1 / self.args[0]


def real_diff(expr: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """``d expr / d symbol`` with the real rules for ``abs`` (see :class:`_RealAbs`)
    and ``log|u|`` (see :class:`_LogAbs`).

    An elementary ``expr`` (no abs, step, ``max`` or ``where``, to which the real rules
    apply) is differentiated by symengine, about a hundred times faster
    (:mod:`..symbolic.elementary`)."""
    try:
        return elementary.diff(expr, symbol)
    except Unsupported:
        pass
    logs = [g for g in expr.atoms(sympy.log) if isinstance(g.args[0], sympy.Abs)]
    expr = expr.xreplace({g: _LogAbs(g.args[0].args[0]) for g in logs}) if logs else expr
    unsure = [a for a in expr.atoms(sympy.Abs) if not a.args[0].is_extended_real]
    swapped = expr.xreplace({a: _RealAbs(a.args[0]) for a in unsure})
    result = sympy.diff(swapped, symbol)
    if result.has(sympy.Derivative):
        result = _flat_signs(result)
    if unsure:
        result = result.replace(_RealAbs, sympy.Abs)
    return result.replace(_LogAbs, lambda u: sympy.log(sympy.Abs(u))) if logs else result


def _flat_signs(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with SymPy's unevaluated ``Derivative(sign(u), x)`` (u not a symbol: for
    ``sign(x)`` SymPy writes ``2*DiracDelta(x)``) as 0, the rule for a step's derivative
    (see the module's docstring): sign(u) is constant away from u = 0, and that kink
    stays in sight of the sample points, as the guard of the sign(u) or abs(u) that was
    differentiated (it is still in the function, or noted by diff()). Left unevaluated
    it had no numeric value, and printing it was an internal error."""
    return expr.replace(lambda e: isinstance(e, sympy.Derivative)
                        and isinstance(e.expr, sympy.sign),
                        lambda _e: sympy.S.Zero)


def jacobian(outputs: list[sympy.Expr], symbols: list[sympy.Symbol]) -> sympy.Matrix:
    """Numerator-layout Jacobian: one row per output, one column per symbol."""
    found = _Shared(outputs)
    columns = [found.by(symbol) for symbol in symbols]
    matrix = sympy.Matrix(len(outputs), len(symbols), lambda i, j: columns[j][i])
    if has_any(matrix, (sympy.DiracDelta,)):
        # The kink's own guard (the step's argument) keeps every sample point off it.
        matrix = matrix.replace(sympy.DiracDelta, lambda *_args: sympy.Integer(0))
    return matrix.applyfunc(fix_relu_convention) if has_any(matrix, (sympy.Heaviside,)) \
        else matrix




class _Shared:
    """The derivatives of ``outputs`` by one symbol at a time, each distinct
    sub-expression differentiated once per symbol.

    An inverse's entries share one determinant (``adj(X)[i, j] * det(X)**-1``), and
    SymPy's ``diff`` differentiates it again in every entry, and in every term of a
    trace or product that holds one; at n = 3 that was half the time of a Cookbook
    identity such as tr(A inv(X) B). Here sums, products and powers with a constant
    exponent are differentiated by their rules (the same forms SymPy's own rules give),
    with a memo; every other node (functions, ``abs``, ``where``, steps) by
    :func:`real_diff`, so the language's conventions hold as before.
    """

    def __init__(self, outputs: list[sympy.Expr]) -> None:
        self.outputs = outputs
        #: free symbols of each sub-expression met (SymPy recomputes them on each call)
        self.free: dict[sympy.Basic, frozenset] = {}
        #: function nodes differentiated by the chain rule (see :meth:`_chained`)
        self.chained: dict[sympy.Basic, bool] = {}

    def by(self, symbol: sympy.Symbol) -> list[sympy.Expr]:
        memo: dict[sympy.Basic, sympy.Expr] = {}
        return [self._diff(e, symbol, memo) for e in self.outputs]

    def _chained(self, expr: sympy.Basic) -> bool:
        """Whether ``expr`` is an elementary function of an argument that is not
        elementary (``log(softmax(relu(z)))``), differentiated by the chain rule here:
        :func:`real_diff` would hand the whole subtree to SymPy's ``diff``, which took
        a second for a softmax network's loss by its first weights. ``log|u|`` keeps
        its real rule there; an elementary one goes to symengine."""
        if expr.func not in elementary.FUNCTIONS or len(expr.args) != 1:
            return False
        if expr.func is sympy.log and isinstance(expr.args[0], sympy.Abs):
            return False
        found = self.chained.get(expr)
        if found is None:
            found = self.chained[expr] = not elementary.elementary(expr)
        return found

    def _symbols(self, expr: sympy.Basic) -> frozenset:
        found = self.free.get(expr)
        if found is None:
            if expr.is_Add or expr.is_Mul or expr.is_Pow:
                found = frozenset().union(*(self._symbols(a) for a in expr.args))
            else:
                found = frozenset(expr.free_symbols)
            self.free[expr] = found
        return found

    def _diff(self, expr: sympy.Expr, symbol: sympy.Symbol,
              memo: dict[sympy.Basic, sympy.Expr]) -> sympy.Expr:
        result = memo.get(expr)
        if result is not None:
            return result
        if symbol not in self._symbols(expr):
            result = sympy.S.Zero
        elif expr == symbol:
            result = sympy.S.One
        elif expr.is_Add:
            result = sympy.Add(*[self._diff(a, symbol, memo) for a in expr.args])
        elif expr.is_Mul:
            args = expr.args
            terms = []
            for k, arg in enumerate(args):
                inner = self._diff(arg, symbol, memo)
                if inner != 0:  # the product rule, term by term
                    terms.append(sympy.Mul(*args[:k], inner, *args[k + 1:]))
            result = sympy.Add(*terms)
        elif expr.is_Pow and symbol not in self._symbols(expr.exp):
            base, exponent = expr.args
            result = exponent * base ** (exponent - 1) * self._diff(base, symbol, memo)
        elif self._chained(expr):
            result = expr.fdiff(1) * self._diff(expr.args[0], symbol, memo)
        else:
            result = real_diff(expr, symbol)
        memo[expr] = result
        return result

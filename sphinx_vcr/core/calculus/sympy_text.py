"""SymPy's expressions in the language's own syntax, for messages.

What a message quotes of a computed value (a derivative's entry, a constraint's
residual, a guard) is printed so that an author could paste it into ``:expect:``:
``where(...)`` for SymPy's Piecewise, ``x1`` / ``w[1]`` / ``A[1, 2]`` for the entries
of declared arrays (not SymPy's ``x_1``). A leaf of the core: the calculus (the
structure's errors), the checks and the messages all print through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy
from sympy.printing.str import StrPrinter

if TYPE_CHECKING:
    from .evaluate import Value


class _TextPrinter(StrPrinter):
    """SymPy's objects in the language's own syntax, so that what a message quotes
    could be pasted into ``:expect:``: ``where(c, a, b)`` for SymPy's Piecewise (and
    for Heaviside and sign), ``max``/``min``/``abs``, ``1/0`` for SymPy's complex
    infinity, an entry of a declared vector as the author writes it (``x1``, see
    :func:`entry_names`), and constants as the language writes them, not as names:
    SymPy writes Euler's number E, a user's symbol E as E too."""

    def __init__(self, entries: dict[sympy.Basic, str] | None = None) -> None:
        super().__init__()
        self.entries = entries or {}

    def _print_Symbol(self, expr: sympy.Basic) -> str:
        return self.entries.get(expr) or super()._print_Symbol(expr)

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "exp(1)"

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        return "sqrt(-1)"

    def _print_ComplexInfinity(self, expr: sympy.Basic) -> str:
        return "1/0"

    def _print_NaN(self, expr: sympy.Basic) -> str:
        return "0/0"

    def _print_Relational(self, expr: sympy.Basic) -> str:
        return (f"{self.parenthesize(expr.lhs, 0.5)} {expr.rel_op} "
                f"{self.parenthesize(expr.rhs, 0.5)}")

    def _where(self, condition: sympy.Basic, yes: str, no: str) -> str:
        """``where(condition, yes, no)``; a conjunction (``0 < x < 1``) or a
        disjunction of conditions as nested where(), the language having neither."""
        if isinstance(condition, sympy.And):
            first, *rest = condition.args
            return self._where(first, self._where(sympy.And(*rest), yes, no), no)
        if isinstance(condition, sympy.Or):
            first, *rest = condition.args
            return self._where(first, yes, self._where(sympy.Or(*rest), yes, no))
        if condition is sympy.true:
            return yes
        if condition is sympy.false:
            return no
        return f"where({self._print(condition)}, {yes}, {no})"

    def _print_Piecewise(self, expr: sympy.Basic) -> str:
        *pieces, (last, condition) = expr.args
        text = self._where(condition, self._print(last), "1/0")
        for value, condition in reversed(pieces):
            text = self._where(condition, self._print(value), text)
        return text

    def _print_Heaviside(self, expr: sympy.Basic) -> str:
        u = self._print(expr.args[0])
        at_zero = expr.args[1] if len(expr.args) > 1 else sympy.Rational(1, 2)
        if at_zero == 0:
            return f"where({u} > 0, 1, 0)"
        if at_zero == 1:
            return f"where({u} >= 0, 1, 0)"
        return f"where({u} > 0, 1, where({u} < 0, 0, {self._print(at_zero)}))"

    def _print_sign(self, expr: sympy.Basic) -> str:
        u = self._print(expr.args[0])
        return f"where({u} > 0, 1, where({u} < 0, -1, 0))"

    def _extremum(self, name: str, args: tuple[sympy.Basic, ...]) -> str:
        first, *rest = args
        second = self._print(rest[0]) if len(rest) == 1 else self._extremum(name, rest)
        return f"{name}({self._print(first)}, {second})"

    def _print_Max(self, expr: sympy.Basic) -> str:
        return self._extremum("max", expr.args)

    def _print_Min(self, expr: sympy.Basic) -> str:
        return self._extremum("min", expr.args)

    def _print_Abs(self, expr: sympy.Basic) -> str:
        return f"abs({self._print(expr.args[0])})"


def expression_text(expr: sympy.Basic, entries: dict[sympy.Basic, str] | None = None
                    ) -> str:
    """A SymPy expression as a message prints it, in the language's syntax (see
    :class:`_TextPrinter`); ``entries``: the author's names of the entries of declared
    arrays (:func:`entry_names`)."""
    return _TextPrinter(entries).doprint(expr)


def entry_names(values: dict[str, Value]) -> dict[sympy.Basic, str]:
    """How the author writes each entry symbol of the arrays of ``values`` (an
    instance's scope): ``x1`` for
    entry 1 of a vector of fixed length (DESIGN section 2: components count from 1),
    ``w[1]`` and ``X[1, 2]`` otherwise (there is no name for one entry of a vector of
    generic length, nor of a matrix: these read as the messages' own ``entry (1, 2)``)."""
    texts: dict[sympy.Basic, str] = {}
    for name, value in values.items():
        if value.is_scalar or not isinstance(value.data, sympy.MatrixBase):
            continue
        cols = value.data.shape[1]
        fixed = all(sympy.sympify(d).is_Integer for d in value.shape)
        vector = any(sympy.sympify(d) == 1 for d in value.shape)
        for k, entry in enumerate(value.data):
            if not isinstance(entry, sympy.Symbol) or entry in texts \
                    or not entry.name.startswith(name + "_"):
                continue
            if vector:
                component = f"{name}{k + 1}"
                texts[entry] = component if fixed and component not in values \
                    else f"{name}[{k + 1}]"
            else:
                texts[entry] = f"{name}[{k // cols + 1}, {k % cols + 1}]"
    return texts

"""Derivatives of elementary SymPy expressions, taken by symengine (issue 15's fast path).

In the worked chapter a quarter of the checks' time was SymPy's ``diff`` (mostly its
assumption queries as each new term is built), chiefly of the stand-ins for abstract
functions (:mod:`..checking.replacements`): sums of sines, exponentials, logarithms and
cubics of mixtures of the arguments. An expression made only of sums, products, powers,
exact rationals, symbols, ``pi``, ``E`` and the functions of :data:`FUNCTIONS` has one
derivative whichever CAS takes it, and none of the language's own rules (``abs``,
steps, ``max``, ``where``: :mod:`..calculus.differentiate`) applies to it. symengine takes
that derivative in C++, about a hundred times faster, and it is translated back to SymPy
node by node, each symbol back to the very SymPy symbol it came from (by identity, never
by name: two SymPy symbols called ``x`` stay two). Whatever the translation does not
know, either way, raises :class:`~.backend.Unsupported` and SymPy differentiates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import symengine as se
import sympy

from .backend import Unsupported
from .compiled import Translator
from .walk import distinct_nodes

#: The functions whose derivatives symengine and SymPy write alike (their derivatives
#: are made of the same functions again).
FUNCTIONS = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh,
             sympy.sinh, sympy.cosh)

_a = se.Symbol("a")
#: symengine's classes of those functions, back to SymPy's (exp(a) is E**a there).
_BACK: dict[type, Callable[[Any], sympy.Expr]] = {
    type(se.log(_a)): sympy.log, type(se.sin(_a)): sympy.sin,
    type(se.cos(_a)): sympy.cos, type(se.tan(_a)): sympy.tan,
    type(se.tanh(_a)): sympy.tanh, type(se.sinh(_a)): sympy.sinh,
    type(se.cosh(_a)): sympy.cosh,
}


def elementary(expr: sympy.Basic) -> bool:
    """Whether ``expr`` is made only of the nodes this module differentiates."""
    return all(node.is_Symbol or node.is_Rational or node is sympy.pi or node is sympy.E
               or node.is_Add or node.is_Mul or node.is_Pow
               or (node.func in FUNCTIONS and len(node.args) == 1)
               for node in distinct_nodes(expr))


def diff(expr: sympy.Expr, symbol: sympy.Symbol) -> sympy.Expr:
    """``d expr / d symbol`` by symengine, in SymPy; :class:`~.backend.Unsupported`
    if ``expr`` is not :func:`elementary` or a part of the result has no translation."""
    if not elementary(expr):
        raise Unsupported("not an elementary expression")
    symbols = sorted(expr.free_symbols | {symbol}, key=str)
    forward = Translator(symbols)
    derivative = forward(expr).diff(forward(symbol))
    return _Back(dict(zip(forward.arguments, symbols)))(derivative)


class _Back:
    """symengine nodes to SymPy's, each distinct node once."""

    def __init__(self, symbols: dict[Any, sympy.Symbol]) -> None:
        self.done: dict[Any, sympy.Basic] = dict(symbols)

    def __call__(self, node: Any) -> sympy.Basic:
        found = self.done.get(node)
        if found is None:
            found = self.done[node] = self._translate(node)
        return found

    def _translate(self, node: Any) -> sympy.Basic:
        if isinstance(node, se.Integer):
            return sympy.Integer(int(node))
        if isinstance(node, se.Rational):
            return sympy.Rational(int(node.p), int(node.q))
        if node == se.E:
            return sympy.E
        if node == se.pi:
            return sympy.pi
        if isinstance(node, se.Symbol):  # one the forward translation did not make
            raise Unsupported(f"symengine made a symbol {node} of its own")
        args = [self(a) for a in node.args]
        if isinstance(node, se.Add):
            return sympy.Add(*args)
        if isinstance(node, se.Mul):
            return sympy.Mul(*args)
        if isinstance(node, se.Pow):
            return sympy.Pow(*args)
        function = _BACK.get(type(node))
        if function is None or len(args) != 1:
            raise Unsupported(f"no SymPy form for symengine's {type(node).__name__}")
        return function(args[0])

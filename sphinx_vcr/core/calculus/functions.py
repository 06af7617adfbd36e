"""Abstract functions at one check: what ``f(x)`` and ``D(f, k)(x, y)`` evaluate to.

A :class:`Model` gives a function of ``:functions:`` a body: a concrete replacement
(:mod:`..checking.replacements`) or the author's own ``assume f(t) = ...``. Applying
a derivative ``D(f, k)`` differentiates the body by its k-th parameter and then
substitutes the arguments, so every rule of the language (relu, abs) holds for it too.
:class:`Undefined` is SymPy's own undefined function, for the symbolic check: in the
form SymPy's ``diff`` gives (``Subs(Derivative(f(t), t), t, g(x))``, canonicalised by
``doit``), so that a true general rule often simplifies to exactly 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .differentiate import real_diff


@dataclass
class Model:
    """A function of ``params`` given by ``body`` (in SymPy, ``params`` are dummies)."""

    params: tuple[sympy.Symbol, ...]
    body: sympy.Expr
    _derivatives: dict[tuple[int, ...], sympy.Expr] = field(default_factory=dict)

    @property
    def arity(self) -> int:
        return len(self.params)

    def derivative(self, orders: tuple[int, ...]) -> sympy.Expr:
        """The body differentiated by the parameters numbered in ``orders`` (0: the
        only one)."""
        key = tuple(sorted(max(k, 1) for k in orders))
        if key not in self._derivatives:
            body = self.body
            for k in key:
                body = real_diff(body, self.params[k - 1])
            self._derivatives[key] = body
        return self._derivatives[key]

    def apply(self, orders: tuple[int, ...], args: list[sympy.Expr]) -> sympy.Expr:
        """``D(...D(f, k)...)(args)``."""
        return self.derivative(orders).xreplace(dict(zip(self.params, args)))


@dataclass
class Undefined:
    """The abstract function ``name`` itself: SymPy's undefined function."""

    name: str
    arity: int

    def apply(self, orders: tuple[int, ...], args: list[sympy.Expr]) -> sympy.Expr:
        function = sympy.Function(self.name, real=True)
        if not orders:
            return function(*args)
        # As SymPy's diff writes it: only the arguments differentiated by are dummies.
        varying = sorted({max(k, 1) - 1 for k in orders})
        params = {k: sympy.Dummy(f"t{k + 1}", real=True) for k in varying}
        inner = function(*[params.get(k, a) for k, a in enumerate(args)])
        by = [params[max(k, 1) - 1] for k in sorted(orders)]
        return sympy.Subs(sympy.Derivative(inner, *by), [params[k] for k in varying],
                          [args[k] for k in varying]).doit()

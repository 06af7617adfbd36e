"""The language's derivative rules in symengine, for the kinks it cannot differentiate.

symengine leaves ``d|u|``, ``d max(a, b)``, ``d min(a, b)`` and ``d sign(u)`` as
unevaluated ``Derivative`` objects. Here they follow :mod:`..calculus.differentiate`
exactly, so both backends give one derivative:

- ``d|u| = sign(u) du`` (the language is real);
- ``d max(a_1, ..., a_n) = sum_i step(a_i - max(others)) da_i``, and ``min`` alike with
  ``step(min(others) - a_i)``: SymPy's rule, with its ``Heaviside(u, 0)`` (relu'(0) = 0)
  written :func:`step`, ``Piecewise((1, u > 0), (0, True))``;
- ``d sign(u) = 0`` and ``d step(u) = 0``: SymPy's Dirac delta, which the Jacobian of
  :mod:`..calculus.differentiate` replaces by 0 (the sample points keep off kinks);
- ``d log|u| = du / u``, as :mod:`..calculus.differentiate` has it (not sign(u) du / |u|,
  equal but not cancelled against ``1/u``);
- a ``Piecewise`` (``where``) is differentiated branch by branch, its conditions kept.

The outermost kinks of an expression are replaced by placeholder symbols, symengine
differentiates the rest, and the chain rule adds each kink's own derivative.
"""

from __future__ import annotations

from typing import Any

import symengine as se

Expr = Any

KINKS = (se.Abs, se.Max, se.Min, se.sign, se.Piecewise)


def step(u: Expr) -> Expr:
    """The unit step, 0 at 0: SymPy's ``Heaviside(u, 0)``."""
    return se.Piecewise((se.Integer(1), se.Lt(0, u)), (se.Integer(0), True))


def differentiate(expr: Expr, symbol: Expr) -> Expr:
    """``d expr / d symbol`` by the language's rules."""
    if symbol not in expr.free_symbols:
        return se.Integer(0)
    kinks = _outermost_kinks(expr)
    if not kinks:
        return expr.diff(symbol)
    holes = {kink: se.Dummy("k") for kink in kinks}
    smooth = expr.subs(holes)
    result = smooth.diff(symbol)
    for kink, hole in holes.items():
        inner = _kink_derivative(kink, symbol)
        if inner != 0:
            result += smooth.diff(hole) * inner
    return result.subs({hole: kink for kink, hole in holes.items()})


def _outermost_kinks(expr: Expr) -> list[Expr]:
    """The kinks of ``expr`` not inside another kink, in a stable order."""
    found: dict[Expr, None] = {}
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, KINKS) or _is_log_abs(node):
            found.setdefault(node)
        elif node.args:
            pending.extend(node.args)
    return list(found)


def _is_log_abs(node: Expr) -> bool:
    return isinstance(node, se.log) and isinstance(node.args[0], se.Abs)


def _kink_derivative(kink: Expr, symbol: Expr) -> Expr:
    """d kink / d symbol for one kink (its arguments may hold kinks of their own)."""
    if _is_log_abs(kink):
        (u,) = kink.args[0].args
        return differentiate(u, symbol) / u
    if isinstance(kink, se.Abs):
        (u,) = kink.args
        return se.sign(u) * differentiate(u, symbol)
    if isinstance(kink, se.Max | se.Min):
        return _extremum_derivative(kink, symbol)
    if isinstance(kink, se.sign):
        return se.Integer(0)
    return _piecewise_derivative(kink, symbol)


def _extremum_derivative(kink: Expr, symbol: Expr) -> Expr:
    args = list(kink.args)
    biggest = isinstance(kink, se.Max)
    total = se.Integer(0)
    for i, a in enumerate(args):
        da = differentiate(a, symbol)
        if da == 0:
            continue
        others = args[:i] + args[i + 1:]
        rest = others[0] if len(others) == 1 else (se.Max(*others) if biggest
                                                     else se.Min(*others))
        total += step(a - rest if biggest else rest - a) * da
    return total


def _piecewise_derivative(kink: Expr, symbol: Expr) -> Expr:
    """Branch by branch: symengine's ``args`` are (expr, cond, expr, cond, ...)."""
    args = list(kink.args)
    pieces = [(differentiate(args[k], symbol), args[k + 1]) for k in range(0, len(args), 2)]
    if all(d == 0 for d, _cond in pieces):
        return se.Integer(0)
    return se.Piecewise(*pieces)

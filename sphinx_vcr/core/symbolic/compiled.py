"""Numeric functions of SymPy expressions compiled by symengine (issue 15's fast path).

SymPy's ``lambdify`` was a fifth of a cold build (it prints each expression to Python
source and compiles it); symengine's ``Lambdify`` with its ``lambda`` backend builds
the same function in C++ for a few microseconds (benchmarks/FASTPATH.md). The numeric
checks (:mod:`..checking.numeric`) compile with :func:`compile_points` and fall back to
``lambdify`` where it raises :class:`~.backend.Unsupported`.

The SymPy tree is translated here node by node rather than by ``symengine.sympify``:

- every symbol becomes a private symbol of its own, found by identity, so two SymPy
  symbols of one name (a real ``x`` and another ``x``) can never be merged, and a
  symbol that is not an argument is refused, as ``lambdify`` refuses it;
- only the nodes listed below are translated; anything else (an undefined function, a
  SymPy function symengine would only wrap) is :class:`~.backend.Unsupported`;
- ``Heaviside(u, h)`` is written as the ``Piecewise`` it is, ``h`` at 0 included, and
  ``nan`` where ``u`` is ``nan`` (no condition holds; a default of 0 gave a value).

The semantics are those of the NumPy code it replaces: doubles, real results, and
``nan`` where a value is not real (the log or a fractional power of a negative
number); ``inf`` for a division by zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import symengine as se
import sympy

from .backend import Unsupported
from .walk import tree_size

#: Numbers whose numerator or denominator is larger are left to ``lambdify``.
EXACT_INTEGERS = 2**53
#: ``Max`` and ``Min`` of at most this many arguments are compiled (each comparison
#: reads the one before it three times); larger ones are left to ``lambdify``.
MAX_EXTREMA = 3

_FUNCTIONS: dict[type, Callable[..., Any]] = {
    sympy.exp: se.exp, sympy.sin: se.sin, sympy.cos: se.cos, sympy.tan: se.tan,
    sympy.tanh: se.tanh, sympy.sinh: se.sinh, sympy.cosh: se.cosh,
    sympy.asin: se.asin, sympy.acos: se.acos, sympy.atan: se.atan,
    sympy.Abs: se.Abs,
}
_RELATIONS: dict[type, Callable[[Any, Any], Any]] = {
    sympy.StrictLessThan: se.Lt, sympy.LessThan: se.Le,
    sympy.StrictGreaterThan: se.Gt, sympy.GreaterThan: se.Ge,
    sympy.Equality: se.Eq, sympy.Unequality: se.Ne,
}
_LOGIC: dict[type, Callable[..., Any]] = {sympy.And: se.And, sympy.Or: se.Or,
                                          sympy.Not: se.Not}


class Translator:
    """SymPy nodes to symengine's, each distinct node once (entries share parts)."""

    def __init__(self, symbols: Sequence[sympy.Symbol]) -> None:
        self.arguments = [se.Symbol(f"_vcr_{k}") for k in range(len(symbols))]
        self.done: dict[sympy.Basic, Any] = dict(zip(symbols, self.arguments))
        self.extrema = False  # whether a Max or Min was translated
        if len(self.done) != len(symbols):
            raise Unsupported("a symbol is given twice")

    def __call__(self, node: sympy.Basic) -> Any:
        found = self.done.get(node)
        if found is None:
            found = self.done[node] = self._translate(node)
        return found

    def _translate(self, node: sympy.Basic) -> Any:
        if node.is_Symbol:  # not an argument (see __init__): lambdify refuses it too
            raise Unsupported(f"{node} is not an argument")
        if node.is_Rational:
            p, q = int(node.p), int(node.q)
            if max(abs(p), q) > EXACT_INTEGERS:
                # symengine turns p and q into doubles apart (3**2000 / 7**1130 is
                # inf / inf), where Python's p / q in lambdify's code is rounded once.
                raise Unsupported("a number beyond the exact integers of a double")
            return se.Integer(p) if q == 1 else se.Rational(p, q)
        if node.is_Float:
            return se.RealDouble(float(node))
        if node is sympy.pi:
            return se.pi
        if node is sympy.E:
            return se.E
        if node is sympy.true or node is sympy.false:
            return se.true if node is sympy.true else se.false
        args = node.args
        if node.is_Add:
            return se.Add(*[self(a) for a in args])
        if node.is_Mul:
            return se.Mul(*[self(a) for a in args])
        if node.is_Pow:
            return se.Pow(self(args[0]), self(args[1]))
        kind = type(node)
        if kind is sympy.log and len(args) == 1:
            return se.log(self(args[0]))
        if kind in _FUNCTIONS:
            return _FUNCTIONS[kind](*[self(a) for a in args])
        if kind in (sympy.Max, sympy.Min) and len(args) <= MAX_EXTREMA:
            return self._extremum(node)
        if kind in (sympy.Max, sympy.Min, sympy.sign):
            # symengine's compiled max, min and sign drop a nan (max(0, log(-2)) is 0,
            # sign(nan) is 1) where NumPy's propagate it: left to lambdify.
            raise Unsupported(f"{kind.__name__} would not propagate nan")
        if kind is sympy.Heaviside:
            return self._heaviside(node)
        if kind is sympy.Piecewise:
            if args[-1][1] is not sympy.true:
                # Without a default, symengine's compiled code has no value to return
                # where no condition holds: it crashed the process (NumPy gives nan).
                raise Unsupported("a Piecewise without a default")
            pieces = []
            for expr, condition in args:
                pieces += [self(expr), self(condition)]
            return se.Piecewise(*zip(pieces[::2], pieces[1::2]))
        if kind in _RELATIONS:
            return _RELATIONS[kind](self(args[0]), self(args[1]))
        if kind in _LOGIC:
            return _LOGIC[kind](*[self(a) for a in args])
        raise Unsupported(f"no symengine form for {kind.__name__}")

    def _extremum(self, node: sympy.Max | sympy.Min) -> Any:
        """``Max``/``Min`` as the ``Piecewise`` of its comparisons, one argument at a
        time, ``nan`` where one is ``nan`` (no comparison holds), as ``numpy.amax``
        and ``amin`` in lambdify's code give it; symengine's own max and min drop a
        nan. Of two equal arguments it gives the later, as NumPy does (0.0 and -0.0
        compare equal: ``max(0, x)`` at ``x = -0.0`` is -0.0 in both)."""
        larger = type(node) is sympy.Max
        self.extrema = True
        found = None
        for arg in node.args:
            value = self(arg)
            if found is None:
                found = value
                continue
            keep = se.Gt(found, value) if larger else se.Lt(found, value)
            take = se.Le(found, value) if larger else se.Ge(found, value)
            found = se.Piecewise((found, keep), (value, take), (se.nan, True))
        return found

    def _heaviside(self, node: sympy.Heaviside) -> Any:
        u = self(node.args[0])
        at_zero = node.args[1] if len(node.args) > 1 else sympy.Rational(1, 2)
        if at_zero is sympy.nan or not at_zero.is_number:
            raise Unsupported("a step without a value at 0")
        return se.Piecewise((se.Integer(1), se.Lt(0, u)), (self(at_zero), se.Eq(u, 0)),
                            (se.Integer(0), se.Lt(u, 0)), (se.nan, True))


#: A tree this many times larger than its graph (and past TREE_NODES) is compiled with
#: its common sub-expressions computed once.
SHARING = 4
TREE_NODES = 2000


def shared(exprs: Sequence[sympy.Expr]) -> bool:
    """Whether the trees of ``exprs`` are much larger than their graph."""
    tree, distinct = tree_size(exprs)
    return tree > TREE_NODES and tree > SHARING * distinct


def compile_points(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol]
                   ) -> Callable[[np.ndarray], np.ndarray]:
    """A function of points ``(batch, len(symbols))`` giving ``(len(exprs), batch)``
    doubles (``nan`` where a value is not real); raises :class:`~.backend.Unsupported`
    for an expression it cannot translate."""
    translate = Translator(symbols)
    try:
        targets = [translate(e) for e in exprs]
        # A Max or Min reads its arguments up to three times (see _extremum), and the
        # lambda backend evaluates a tree, not the graph: with them, the common
        # sub-expressions are computed once (a network's relu(z) is in every entry).
        # Only those functions: the others keep the code (and the doubles) they had.
        # So do trees far larger than their graph: an inverse's entries share one
        # determinant, and (125)'s tr(inv(X.T C X) A) evaluated as a tree took 30 s.
        fn = se.Lambdify(translate.arguments, targets, backend="lambda", real=True,
                         cse=translate.extrema or shared(exprs))
    except Unsupported:
        raise
    except (RuntimeError, TypeError, ValueError, NotImplementedError) as error:
        # symengine's own "Not Implemented" for a node its lambda backend lacks
        raise Unsupported(f"symengine cannot compile this ({error})") from error
    count = len(exprs)

    def run(points: np.ndarray) -> np.ndarray:
        batch = points.shape[0]
        if batch == 0 or not translate.arguments:
            # Constants only: one evaluation, broadcast over the batch.
            values = np.asarray(fn(np.zeros(0)) if not translate.arguments
                                else np.empty((0, count)), dtype=float).reshape(-1)
            if batch == 0:
                return np.empty((count, 0))
            return np.repeat(values.reshape(count, 1), batch, axis=1)
        with np.errstate(all="ignore"):
            values = np.asarray(fn(np.ascontiguousarray(points, dtype=float)),
                                dtype=float)
        return values.reshape(batch, count).T
    return run

"""Concrete stand-ins for abstract functions: how a general rule is checked.

A claim about unnamed functions (``D(f)(g(x)) * D(g)(x)``) is a statement for every
smooth ``f`` and ``g``. It is checked with each abstract function replaced by concrete
ones, several times over, and must hold for every replacement. Each replacement is a
sum of a transcendental part and a cubic polynomial, with seeded rational
coefficients (so SymPy can still decide equality exactly), from one of three unrelated
families; in one replacement, any three functions of a directive next to one another
(in the order of ``:functions:``) are of three different families:

* ``a sin(u) + b cos(u/2) + p(u)``,
* ``a exp(u/3) + b sin(u) + p(u)``,
* ``a log(1 + u**2) + b cos(u) + p(u)``,

where ``u = Σ_k c_k t_k + d`` mixes the arguments with distinct weights and ``p`` is a
cubic. A wrong general rule cannot pass them all: a rule that holds only for
polynomials of low degree (``D(D(D(f))) = 0``) fails on the transcendental parts, one
that holds only for exponentials (``D(f) = f``) or only for periodic functions fails on
the other families, and one that confuses two functions or two arguments (``f'g`` for
``fg'``, ``∂_1 f`` for ``∂_2 f``) fails because their coefficients and weights differ.
With several arguments, a second such part in another mixture of them, a cubic of each
argument, the product of all of them and ``exp(t_k t_(k+1) / 8)`` are added: a function
of one mixture alone satisfies identities of its own (its Hessian has rank one), and a
sum of a few such functions still keeps every derivative tensor of low rank, which
determinant identities among higher partials would not see through.
"""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import sympy

#: How many replacements every claim with abstract functions must survive.
REPLACEMENTS = 3
FAMILIES = 3


def _rng(seed: int, name: str, arity: int, replacement: int) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}|{name}|{arity}|{replacement}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _coefficient(rng: np.random.Generator, low: int = 2, high: int = 9) -> sympy.Rational:
    """A non-zero rational of modest size: far from any special value."""
    sign = int(rng.choice([-1, 1]))
    return sympy.Rational(sign * int(rng.integers(low, high)), int(rng.integers(2, 7)))


def replacement(name: str, arity: int, replacement: int, position: int, seed: int
                ) -> tuple[tuple[sympy.Symbol, ...], sympy.Expr]:
    """The ``replacement``-th stand-in for the function ``name``: its parameters and
    body. ``position`` (the function's place among the directive's functions) shifts
    the family, so that two functions never share one."""
    rng = _rng(seed, name, arity, replacement)
    params = tuple(sympy.Dummy(f"t{k + 1}", real=True) for k in range(arity))
    family = (replacement + position) % FAMILIES
    u = _mix(rng, params)
    body = _family(family, u, rng) + _cubic(u, rng)
    if arity > 1:
        # One ridge F(u) has a Hessian of rank one, and identities true for every ridge
        # (f_11 f_33 = f_13**2) would pass: a second ridge of another family, a cubic
        # of each argument and the product of all of them make every partial distinct.
        body += _family((family + 1) % FAMILIES, _mix(rng, params), rng)
        body += sum((_cubic(t, rng) for t in params), sympy.Integer(0))
        body += _coefficient(rng) * sympy.Mul(*params) / 4
        # Ridges and cubics keep every derivative tensor of some order of low rank, so
        # determinant identities among fourth partials would pass: exp(t_k t_l / 8) is
        # no finite sum of ridges.
        body += sum((_coefficient(rng) * sympy.exp(a * b / 8)
                     for a, b in itertools.pairwise(params)), sympy.Integer(0))
    return params, body


#: The weights of a mixture, drawn without repetition: two equal weights would make the
#: stand-in symmetric in those arguments, and D(f, 1)(x, y) = D(f, 2)(y, x) would pass.
WEIGHTS = tuple(sorted({sympy.Rational(p, q) for p in range(3, 13) for q in range(4, 9)}))


def _mix(rng: np.random.Generator, params: tuple[sympy.Symbol, ...]) -> sympy.Expr:
    """A linear combination of the arguments with distinct weights, and an offset."""
    picks = rng.choice(len(WEIGHTS), size=len(params), replace=False)
    weights = [WEIGHTS[int(k)] for k in picks]
    return sympy.Add(*[w * t for w, t in zip(weights, params)]) + _coefficient(rng) / 3


def _family(family: int, u: sympy.Expr, rng: np.random.Generator) -> sympy.Expr:
    """``a F(u) + b G(u)`` of one of the three families (see the module docstring)."""
    a, b = _coefficient(rng), _coefficient(rng)
    if family == 0:
        return a * sympy.sin(u) + b * sympy.cos(u / 2)
    if family == 1:
        return a * sympy.exp(u / 3) + b * sympy.sin(u)
    return a * sympy.log(1 + u**2) + b * sympy.cos(u)


def _cubic(u: sympy.Expr, rng: np.random.Generator) -> sympy.Expr:
    """A cubic in ``u`` without a constant term, with seeded coefficients."""
    return sum((_coefficient(rng) / 4**k * u**k for k in range(1, 4)), sympy.Integer(0))

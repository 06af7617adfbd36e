"""Concrete stand-ins for abstract functions: how a general rule is checked.

A claim about unnamed functions (``D(f)(g(x)) * D(g)(x)``) is a statement for every
smooth ``f`` and ``g``. It is checked with each abstract function replaced by concrete
ones, several times over, and must hold for every replacement. Each replacement is a
sum of a transcendental part and a cubic polynomial, with seeded rational
coefficients (so SymPy can still decide equality exactly), from one of three unrelated
families; two functions of one directive never share a family in one replacement:

* ``a sin(u) + b cos(u/2) + p(u)``,
* ``a exp(u/3) + b sin(u) + p(u)``,
* ``a log(1 + u**2) + b cos(u) + p(u)``,

where ``u = Σ_k c_k t_k + d`` mixes the arguments with distinct weights and ``p`` is a
cubic. A wrong general rule cannot pass them all: a rule that holds only for
polynomials of low degree (``f''' = 0``) fails on the transcendental parts, one that
holds only for exponentials (``f' = f``) or only for periodic functions fails on the
other families, and one that confuses two functions or two arguments (``f'g`` for
``fg'``, ``∂_1 f`` for ``∂_2 f``) fails because their coefficients and weights differ.
With several arguments, a term ``e t_1 t_2`` makes every mixed partial non-zero.
"""

from __future__ import annotations

import hashlib

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
    weights = [sympy.Rational(int(rng.integers(3, 13)), int(rng.integers(4, 9)))
               * (k + 1) for k in range(arity)]
    u = sympy.Add(*[w * t for w, t in zip(weights, params)]) + _coefficient(rng) / 3
    a, b = _coefficient(rng), _coefficient(rng)
    family = (replacement + position) % FAMILIES
    if family == 0:
        part = a * sympy.sin(u) + b * sympy.cos(u / 2)
    elif family == 1:
        part = a * sympy.exp(u / 3) + b * sympy.sin(u)
    else:
        part = a * sympy.log(1 + u**2) + b * sympy.cos(u)
    cubic = sum((_coefficient(rng) / 4**k * u**k for k in range(1, 4)), sympy.Integer(0))
    body = part + cubic
    if arity > 1:
        body += _coefficient(rng) * params[0] * params[1]
    return params, body

"""Exact decisions on differences that are rational functions, by polynomial arithmetic.

A claim about a determinant or an inverse at n = 3 differs from its derivative by a
rational function of the entries with a few thousand terms once expanded: too many for
``expand``/``cancel`` on SymPy trees within a budget, a few milliseconds for FLINT's
sparse polynomials over the rationals (python-flint's ``fmpq_mpoly``; SymPy's own
:mod:`sympy.polys.rings`, in pure Python, took ten times as long: Cookbook (125) at
n = 3 spent half a second an entry there). Each difference is brought to one
numerator over a product of powers of polynomials, never dividing by a greatest common
divisor: the denominators are kept *factored* (each base as it occurs in the tree,
made monic), so the powers of ``det(X)`` that every entry of ``inv(X)`` brings stay
one base with an exponent, and the work is a few multiplications per node.

Every node that is not a sum, product, integer power, symbol or rational (``exp(z)``,
``log|x|``, ``Abs``, a ``where()``) is an *opaque* generator of its own, and so is
``b**(1/q)`` for a fractional power ``b**(p/q)`` (as ``(b**(1/q))**p``). Identical
nodes are one generator. That is sound for a proof: a numerator that is the zero
polynomial in independent generators is zero at every value of them, so the
difference is zero wherever it is defined (every base it divides by is non-zero
there). A non-zero numerator is a proof that the claim is wrong only without opaque
generators (relations among them, such as ``exp(a)*exp(b) = exp(a + b)``, are not
known here); with them the answer is "undecided", for :mod:`.compare`'s other stages.

The work is bounded by its real size: every polynomial made (:data:`MAX_TERMS`) and
every product before it is formed (:data:`MAX_PRODUCT`); beyond them the answer is
"undecided". The caller bounds the time (:func:`..running.limits.soft_limit`), which
interrupts the arithmetic between any two operations; no one operation (a call into
FLINT, which no signal interrupts) is larger than those bounds allow, milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable

import flint
import sympy
from flint import fmpq, fmpq_mpoly

#: No polynomial made may have more terms than this (the largest of the Cookbook
#: identities at n = 3 makes 1040, and 2016 multiplications of terms) ...
MAX_TERMS = 20_000
#: ... nor may a product take more multiplications of terms than this.
MAX_PRODUCT = 400_000
#: Every monomial holds an exponent per generator, so with many generators (a fixed
#: 40 x 40 matrix) the budgets shrink to keep the memory (exponents stored) and the
#: work (exponents added) bounded; beyond MAX_GENERATORS nothing is tried.
MAX_EXPONENTS_STORED = 2_000_000
MAX_EXPONENTS_ADDED = 20_000_000
MAX_GENERATORS = 400
#: Numbers longer than this (about 300 digits) are left to the other stages: their
#: products are big-integer arithmetic that no signal can interrupt.
MAX_COEFFICIENT_BITS = 1000
#: A product's multiplications of terms count once for each this many bits of the
#: longest coefficients multiplied, a machine word (see :meth:`Rational._times`).
WORD_BITS = 64
#: Exponents beyond this (``x**1000``) are left undecided: their powers are large.
MAX_EXPONENT = 64

#: A fraction: the numerator and the powers of the (monic) bases it is divided by,
#: each base by its number in :attr:`Rational.bases` (FLINT's polynomials are not
#: hashable).
Fraction = tuple[fmpq_mpoly, dict[int, int]]


class _TooLarge(Exception):
    """The work would exceed the budget, or a node cannot be represented exactly."""


class Rational:
    """Decides differences over one set of expressions, sharing their common parts.

    Built once for all the entries of a comparison: the determinant and the adjugate
    that every entry of ``inv(X)`` shares are converted once (the memo is by node).
    """

    def __init__(self, exprs: Iterable[sympy.Expr]) -> None:
        self.opaque: set[sympy.Basic] = set()
        self.split: dict[sympy.Basic, tuple[sympy.Basic, int]] = {}
        generators: dict[sympy.Basic, None] = {}
        seen: set[sympy.Basic] = set()
        try:
            for expr in exprs:
                self._collect(expr, generators, seen)
        except _TooLarge:
            self.ring = None
            return
        if len(generators) > MAX_GENERATORS:
            self.ring = None
            return
        order = sorted(generators, key=sympy.default_sort_key)
        width = max(len(order), 1)
        self.max_terms = min(MAX_TERMS, MAX_EXPONENTS_STORED // width)
        self.max_product = min(MAX_PRODUCT, MAX_EXPONENTS_ADDED // width)
        # FLINT names the generators; each is known here by its node, not its name.
        self.ring = flint.fmpq_mpoly_ctx.get(tuple(f"g{k}" for k in range(width)), "lex")
        self.gens = dict(zip(order, self.ring.gens()))
        self.memo: dict[sympy.Basic, Fraction] = {}
        self.bits: dict[int, tuple[fmpq_mpoly, int]] = {}
        #: the distinct bases divided by, each once (see :data:`Fraction`)
        self.bases: list[fmpq_mpoly] = []

    def _collect(self, expr: sympy.Basic, generators: dict, seen: set) -> None:
        """The generators of ``expr``: its symbols and its opaque nodes."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node.is_Rational:
                if max(abs(node.p), node.q).bit_length() > MAX_COEFFICIENT_BITS:
                    raise _TooLarge  # its powers would be one long call into C
                continue
            if node.is_Float or (node.is_Atom and node.is_number
                                 and node not in (sympy.pi, sympy.E)):
                raise _TooLarge  # inexact, infinite, nan or imaginary: not decided here
            if node.is_Add or node.is_Mul:
                stack.extend(node.args)
            elif node.is_Pow and node.exp.is_Rational:
                if abs(node.exp.p) > MAX_EXPONENT:
                    raise _TooLarge
                if node.exp.is_Integer:
                    stack.append(node.base)
                else:
                    root = sympy.Pow(node.base, sympy.Rational(1, node.exp.q))
                    generators[root] = None
                    self.opaque.add(root)
            elif isinstance(node, sympy.exp):
                generator = self._exponential(node)[0]
                generators[generator] = None
                self.opaque.add(generator)
            else:
                generators[node] = None
                if not node.is_Symbol:
                    self.opaque.add(node)

    def _exponential(self, node: sympy.exp) -> tuple[sympy.Basic, int]:
        """``exp(c * u)`` as ``exp(u/q)**p``, for the rational ``c = p/q`` that
        ``u``'s coefficients share, with the sign taken out: ``exp(-z)`` is
        ``exp(z)**-1``.

        sigmoid(z) = 1/(1 + exp(-z)) and the derivative of log(1 + exp(z)) are then
        one rational function of exp(z) (the logistic loss's Hessian was left to the
        points). Sound as every generator is: the rewriting is an identity. Sums are
        not split (``exp(a + b)`` is not ``exp(a) exp(b)`` here): a constant term
        would become a generator of its own in every numerator, and a difference that
        is a bare non-zero constant (``+ 10**-200``) would no longer be told wrong.
        """
        found = self.split.get(node)
        if found is None:
            c, u = _distributed(node.args[0]).as_content_primitive()
            if u.could_extract_minus_sign():
                c, u = -c, -u
            generator = sympy.exp(u / c.q) if c.is_Rational else None
            found = (generator, int(c.p)) if isinstance(generator, sympy.exp) \
                and abs(c.p) <= MAX_EXPONENT else (node, 1)
            self.split[node] = found
        return found

    def zero(self, expr: sympy.Expr) -> bool | None:
        """True if ``expr`` is identically zero (wherever it is defined); False if it
        is a rational function of the symbols alone that is not; None if undecided
        (too large, or opaque parts that might be related)."""
        if self.ring is None:
            return None
        try:
            numerator, bases = self._fraction(expr)
        except (_TooLarge, RecursionError):  # (a tree nested too deeply to walk)
            return None
        if numerator.is_zero():
            return True
        divisors = [self.bases[k] for k in bases]
        return None if self._uses_opaque([numerator, *divisors]) else False

    def _uses_opaque(self, polys: list[fmpq_mpoly]) -> bool:
        """Whether an opaque generator occurs in any of ``polys``."""
        indices = [k for k, node in enumerate(self.gens) if node in self.opaque]
        return any(poly.degrees()[k] > 0 for poly in polys for k in indices)

    # The conversion, node by node, memoised.

    def _fraction(self, expr: sympy.Basic) -> Fraction:
        known = self.memo.get(expr)
        if known is not None:
            return known
        if expr.is_Rational:
            result: Fraction = (self.ring.constant(fmpq(int(expr.p), int(expr.q))), {})
        elif expr in self.gens:
            result = (self.gens[expr], {})
        elif expr.is_Add:
            result = self._sum([self._fraction(a) for a in expr.args])
        elif expr.is_Mul:
            result = self._product([self._fraction(a) for a in expr.args])
        elif expr.is_Pow and expr.exp.is_Integer:
            result = self._power(self._fraction(expr.base), int(expr.exp))
        elif expr.is_Pow and expr.exp.is_Rational:
            root = self.gens[sympy.Pow(expr.base, sympy.Rational(1, expr.exp.q))]
            result = self._power((root, {}), int(expr.exp.p))
        elif isinstance(expr, sympy.exp):
            generator, power = self._exponential(expr)
            result = self._power((self.gens[generator], {}), power)
        else:
            raise _TooLarge  # (not reached: every other node is a generator)
        self.memo[expr] = result
        return result

    def _sum(self, parts: list[Fraction]) -> Fraction:
        common: dict[int, int] = {}
        for _, bases in parts:
            for base, power in bases.items():
                common[base] = max(common.get(base, 0), power)
        total = self.ring.constant(0)
        for numerator, bases in parts:
            for base, power in common.items():
                numerator = self._times_power(numerator, self.bases[base],
                                              power - bases.get(base, 0))
            total = self._checked(total + numerator)
        return total, common

    def _product(self, parts: list[Fraction]) -> Fraction:
        numerator, bases = self.ring.constant(1), {}
        for part, divisors in parts:
            numerator = self._times(numerator, part)
            for base, power in divisors.items():
                bases[base] = bases.get(base, 0) + power
        return numerator, bases

    def _power(self, fraction: Fraction, exponent: int) -> Fraction:
        numerator, bases = fraction
        if exponent >= 0:
            result = self.ring.constant(1)
            for _ in range(exponent):
                result = self._times(result, numerator)
            return result, {b: p * exponent for b, p in bases.items()}
        if numerator.is_zero():
            raise _TooLarge  # a division by zero: no value anywhere, nothing to decide
        # (n / prod b**p)**-k = prod b**(p*k) / n**k, with n = c * monic(n)
        k = -exponent
        result = self.ring.constant(1)
        for base, power in bases.items():
            result = self._times_power(result, self.bases[base], power * k)
        scale = numerator.leading_coefficient()
        result = self._checked(result / scale**k)
        if numerator.is_constant():
            return result, {}
        return result, {self._base(numerator / scale): k}

    def _base(self, monic: fmpq_mpoly) -> int:
        """The number of the base ``monic`` in :attr:`bases`, added if it is new."""
        for k, base in enumerate(self.bases):
            if len(base) == len(monic) and base == monic:
                return k
        self.bases.append(monic)
        return len(self.bases) - 1

    def _times_power(self, poly: fmpq_mpoly, base: fmpq_mpoly, power: int) -> fmpq_mpoly:
        for _ in range(power):
            poly = self._times(poly, base)
        return poly

    def _times(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        # Each multiplication of terms costs as much as their coefficients are long:
        # (x/10**299 + y + 1)**64 has 2145 terms of up to 64000 bits, and one product
        # of two such took seconds in FLINT, where no signal interrupts.
        work = len(a) * len(b)
        if work > self.max_product:
            raise _TooLarge
        bits = self._bits(a) + self._bits(b)
        if work * (1 + bits // WORD_BITS) > self.max_product:
            raise _TooLarge
        product = self._checked(a * b)
        # A bound of the product's bits, from its factors': finding them walks every
        # coefficient, and a second of the chapter's checks went there. The content of
        # a polynomial over the rationals is shared, so each coefficient is a sum of at
        # most min(len(a), len(b)) products of the factors' coefficients.
        self.bits[id(product)] = product, bits + min(len(a), len(b)).bit_length()
        return product

    def _bits(self, poly: fmpq_mpoly) -> int:
        """The length in bits of ``poly``'s longest coefficient (numerator or
        denominator), found once for each polynomial made (kept alive by the cache, so
        that no other takes its ``id``)."""
        key = id(poly)
        if key not in self.bits:
            self.bits[key] = poly, max((max(c.p.bit_length(), c.q.bit_length())
                                        for c in poly.coeffs()), default=0)
        return self.bits[key][1]

    def _checked(self, poly: fmpq_mpoly) -> fmpq_mpoly:
        if len(poly) > self.max_terms:
            raise _TooLarge
        return poly


#: Products of sums in an exponent are distributed up to this many terms.
MAX_DISTRIBUTED = 256


def _distributed(exponent: sympy.Expr) -> sympy.Expr:
    """``exponent`` with its products distributed over its sums, where that makes at
    most :data:`MAX_DISTRIBUTED` terms: ``exp(w*(a + b))`` (the softmax of a product
    of weights, as the derivative writes it) and ``exp(w*a + w*b)`` (as a claim's
    ``W2 @ W1 @ x`` makes it) are one generator then, and their difference decided."""
    # (at the top only: deep, it expanded products inside functions of the exponent,
    # whose terms _terms does not count, for seconds)
    return sympy.expand_mul(exponent, deep=False) if _terms(exponent) <= MAX_DISTRIBUTED \
        else exponent


def _terms(expr: sympy.Basic) -> int:
    """An upper bound on the terms of ``expr`` once its products are distributed."""
    if expr.is_Add:
        return sum(_terms(a) for a in expr.args)
    if expr.is_Mul:
        count = 1
        for a in expr.args:
            count *= _terms(a)
            if count > MAX_DISTRIBUTED:
                break
        return count
    return 1

"""Rational functions at rational points, in exact arithmetic, each distinct node once.

A guard or a claim built from symbols and rationals by sums, products and integer powers
(:func:`plain`) is evaluated in Python's fractions: exactly, and fast, since the entries
of an inverse share one determinant and SymPy's ``xreplace`` (or a recursive walk)
visits it once per use; Cookbook (125) spent seconds there. The same walk bounds the
degree in one symbol, so that the polynomial along a line is found by interpolation
from a few exact values rather than by expanding the guard in every symbol.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction

import mpmath
import sympy

from .walk import distinct_nodes


def rational_of(number: object) -> sympy.Rational:
    """A double, an mpmath number or a fraction as the rational it is, exactly."""
    if isinstance(number, mpmath.mpf):
        mantissa, exponent = number.man_exp
        return sympy.Integer(mantissa) * sympy.Integer(2) ** exponent
    if isinstance(number, Fraction):
        return sympy.Rational(number.numerator, number.denominator)
    return sympy.Rational(float(number))  # type: ignore[arg-type]


def plain(expr: sympy.Basic) -> bool:
    """Whether ``expr`` is made of symbols and rationals by sums, products and integer
    powers only: a rational function with rational coefficients, which :func:`value`
    evaluates exactly. (SymPy's ``is_rational_function`` also admits constants such as
    ``log(6) - log(2) - log(3)``, which are zero without looking it.)"""
    return all(node.is_Symbol or node.is_Rational or node.is_Add or node.is_Mul
               or (node.is_Pow and node.exp.is_Integer) for node in distinct_nodes(expr))


def value(expr: sympy.Expr, point: Mapping[sympy.Symbol, Fraction]) -> Fraction:
    """``expr`` (:func:`plain`) at ``point``, exactly. Raises ZeroDivisionError at a
    pole and KeyError for a symbol without a value."""
    done: dict[sympy.Basic, Fraction] = {}
    pending: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while pending:
        node, ready = pending.pop()
        if node in done:
            continue
        if node.is_Symbol:
            done[node] = point[node]
        elif node.is_Rational:
            done[node] = Fraction(int(node.p), int(node.q))
        elif not ready:
            pending.append((node, True))
            pending.extend((a, False) for a in node.args if a not in done)
        else:
            args = [done[a] for a in node.args]
            if node.is_Add:
                done[node] = sum(args, Fraction(0))
            elif node.is_Mul:
                done[node] = math.prod(args, start=Fraction(1))
            else:  # an integer power (see plain)
                done[node] = args[0] ** int(node.exp)
    return done[expr]


def degree_bound(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    """An upper bound of the degree of ``expr`` (:func:`plain`) as a polynomial in
    ``t`` (its coefficients rational functions of the other symbols), or None where it
    may be no polynomial in ``t`` (``t`` in a denominator). The bound is exact but for
    cancellation in sums."""
    done: dict[sympy.Basic, int | None] = {}
    pending: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while pending:
        node, ready = pending.pop()
        if node in done:
            continue
        if node.is_Symbol or node.is_Rational:
            done[node] = int(node == t)
        elif not ready:
            pending.append((node, True))
            pending.extend((a, False) for a in node.args if a not in done)
        else:
            done[node] = _degree_of(node, [done[a] for a in node.args])
    return done[expr]


def _degree_of(node: sympy.Basic, args: list[int | None]) -> int | None:
    if any(a is None for a in args):
        return None
    if node.is_Add:
        return max(args)  # type: ignore[type-var]
    if node.is_Mul:
        return sum(args)  # type: ignore[arg-type]
    exponent = int(node.exp)  # an integer power (see plain)
    if exponent >= 0:
        return args[0] * exponent  # type: ignore[operator]
    return 0 if args[0] == 0 else None


def along(expr: sympy.Expr, t: sympy.Symbol, degree: int,
          point: Mapping[sympy.Symbol, Fraction]) -> list[Fraction]:
    """The coefficients, highest first, of ``expr`` (:func:`plain`, of degree at most
    ``degree`` in ``t``) as a polynomial in ``t`` where the other symbols take
    ``point``: interpolated from its exact values at ``t = 0, 1, ..., degree``. Raises
    ZeroDivisionError where a coefficient has a pole there."""
    nodes = list(range(degree + 1))
    values = [value(expr, {**point, t: Fraction(k)}) for k in nodes]
    return _monomial(nodes, _divided_differences(nodes, values))


def _divided_differences(nodes: list[int], values: list[Fraction]) -> list[Fraction]:
    """Newton's coefficients of the interpolating polynomial."""
    table = list(values)
    for level in range(1, len(nodes)):
        for k in range(len(nodes) - 1, level - 1, -1):
            table[k] = (table[k] - table[k - 1]) / (nodes[k] - nodes[k - level])
    return table


def _monomial(nodes: list[int], newton: list[Fraction]) -> list[Fraction]:
    """Newton's form expanded into coefficients, highest first (Horner's scheme)."""
    coefficients = [newton[-1]]
    for k in range(len(newton) - 2, -1, -1):
        # (c_0 t^m + ... ) * (t - nodes[k]) + newton[k]
        shifted = [*coefficients, Fraction(0)]
        for i in range(1, len(shifted)):
            shifted[i] -= nodes[k] * coefficients[i - 1]
        shifted[-1] += newton[k]
        coefficients = shifted
    return coefficients


#: Constants beyond this many digits are refused (:func:`too_long_constant`): the
#: checks resolve claims that differ by so little, and no less.
MAX_CONSTANT_DIGITS = 1000


def constant_digits(exprs: Iterable[sympy.Basic]) -> int:
    """How many decimal digits the constants of ``exprs`` span: the longest numerator
    or denominator of a rational (``10**-200``, ``1 + 10**-200``), and the magnitude of
    a function of numbers (``exp(-1000)``); at most :data:`MAX_CONSTANT_DIGITS`. A
    claim that differs from the derivative only by such a constant inside a function
    (``exp(x + 10**-200)``) differs by that little, relatively: comparisons need these
    digits beyond their own."""
    return min(MAX_CONSTANT_DIGITS, longest_constant(exprs)[0])


def too_long_constant(exprs: Iterable[sympy.Basic]) -> sympy.Basic | None:
    """A constant of ``exprs`` that spans more than :data:`MAX_CONSTANT_DIGITS` digits
    (``exp(-5000)``, ``10**-1600``), or None. A claim ``exp(x + exp(-5000))`` for the
    derivative of ``exp(x)`` differs from it by 1e-2172 relatively, beyond the checks'
    digits: it verified."""
    digits, node = longest_constant(exprs)
    return node if digits > MAX_CONSTANT_DIGITS else None


def longest_constant(exprs: Iterable[sympy.Basic]) -> tuple[int, sympy.Basic | None]:
    """The digits the longest constant of ``exprs`` spans (:func:`digits_of`), and that
    constant (None if there is none); the walk stops at the first one longer than
    :data:`MAX_CONSTANT_DIGITS`, which no check resolves."""
    found, longest = 0, None
    for node in _constants(exprs):
        digits = digits_of(node)
        if digits > found:
            found, longest = digits, node
            if found > MAX_CONSTANT_DIGITS:
                break
    return found, longest


def _constants(exprs: Iterable[sympy.Basic]) -> Iterator[sympy.Basic]:
    seen: set[sympy.Basic] = set()
    for expr in exprs:
        for node in distinct_nodes(expr):
            if node not in seen:
                seen.add(node)
                yield node


def digits_of(node: sympy.Basic) -> int:
    """How many decimal digits one constant spans (0 for a node that is none)."""
    if node.is_Rational:
        return max(len(str(abs(int(node.p)))), len(str(int(node.q))))
    if node.args and node.is_number and all(a.is_number for a in node.args) \
            and not node.is_Add and not node.is_Mul:
        try:
            value = abs(sympy.N(node, 5))  # (a magnitude past a double: 1e-434)
        except (TypeError, ValueError, ArithmeticError):
            return MAX_CONSTANT_DIGITS
        if not value.is_Float or value == 0:
            return 0
        magnitude = mpmath.mpf(value._mpf_)
        if not mpmath.isfinite(magnitude):
            return 0
        return int(abs(mpmath.log10(magnitude))) + 1
    return 0

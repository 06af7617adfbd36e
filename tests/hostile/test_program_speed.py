"""The fast paths of the network's comparison held to the slow ones they replaced.

Comparing the tour's network at its probes (hundreds of points, every entry of the
claim and the derivative in 150 digits, every guard's sign in 20) was most of its time;
three fast paths took most of that away, and each is where a wrong claim could slip
through if it gave one value where the slow path gave another:

* :class:`.certified.Program` lays out the distinct sub-expressions of a list of
  expressions once and runs them at each point, instead of a walker looking every
  node up in a memo at every point. Its values must be bit for bit a fresh walker's,
  with mpmath's own ``+`` and ``*``, at every precision (below 53 bits too), with its
  constants kept per precision, with branches not taken that have no value, deep trees,
  missing coordinates, -0.0, subnormals and 1e300.
* ``compare._Regions`` evaluates each distinct guard once per point for all the
  entries (a memo keyed by the point's value): a changed point must never get the
  signs of the last one.
* ``compare.agree`` compares on mpmath's raw numbers: it must decide as
  ``abs(x - y) <= tolerance * max(abs(x), abs(y))`` in ``workdps`` does.
"""

from __future__ import annotations

import itertools
import random
import sys

import mpmath
import numpy as np
import sympy

from sphinx_vcr.core.checking import certified, compare

from .naive import Naive as _Naive

x, y, z = sympy.symbols("x y z", real=True)


def _reference(exprs: list, point: dict, digits: int) -> list:
    arithmetic = _Naive()
    with arithmetic.digits(digits):
        walker = certified._Walker(arithmetic, dict(point), convert=True)
        return [walker.value_or_none(e) for e in exprs]


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a._mpf_ == b._mpf_


def _deep(depth: int) -> sympy.Expr:
    expr = x
    for k in range(depth):
        expr = sympy.Mul(expr + k, y, evaluate=False) if k % 2 else expr * x + 1
    return expr


EXPRS = [
    x + y, x * y, x * y + 1 - x * y, (x + sympy.Rational(1, 10**40)) - x,
    sympy.Rational(1, 3) * x + sympy.pi * y + sympy.E, sympy.Float("0.1", 30) * x,
    sympy.exp(1000 * x) * sympy.exp(1000 * y), sympy.exp(x) ** 1000,
    sympy.exp(sympy.exp(50 * x)), x ** 999 * y ** 999, 1 / x, 1 / (x - y), x / y,
    sympy.log(x) + y, sympy.sqrt(x) * y, x ** sympy.Rational(3, 2), x ** y,
    sympy.Abs(x) - x, sympy.sign(x) * y, sympy.Heaviside(x) * y,
    sympy.Heaviside(x, 0) + y, sympy.Heaviside(x - y, 1) * sympy.sign(y - x),
    sympy.Max(x, 0) * sympy.Max(y, 0), sympy.Min(x, y) - x, sympy.Max(x, y, -x),
    # a branch not taken that has no value, and conditions of every kind
    sympy.Piecewise((sympy.log(x), x > 0), (sympy.log(-x), x < 0), (0, True)),
    sympy.Piecewise((1 / x, sympy.Ne(x, 0)), (y, True)) * x,
    sympy.Piecewise((x * y, (x > 0) & (y <= 1)), (y, ~(x < y) | sympy.Eq(x, y)), (7, True)),
    sympy.Piecewise((x, x > 1)),  # no condition holds below 1: no value
    sympy.tan(x) + sympy.cos(y) * sympy.sin(x) + sympy.tanh(y),
    sympy.DiracDelta(x) * y, sympy.Function("f")(x) + y, z + x,  # unsupported, missing
    10**-300 * x * y, (x + y) ** 2 - (x * x + 2 * x * y + y * y),
]

POINTS = [
    {x: 0.0, y: 1.5}, {x: -0.0, y: 1.5}, {x: np.float64(0.0), y: np.float64(1.5)},
    {x: 1.5, y: 0.0}, {x: 5e-324, y: -5e-324}, {x: 1e-300, y: 1e300}, {x: 0.1, y: 0.1},
    {x: 0.1, y: 0.1 + 2**-56}, {x: -2.5, y: 0.75}, {x: 1.0, y: 1.0}, {x: 3.0, y: 0.5},
    {x: float("inf"), y: 1.0}, {x: float("nan"), y: 1.0},
]


def test_a_program_gives_a_fresh_walkers_values_bit_for_bit() -> None:
    """One program over every point at several precisions, in an order that mixes
    them (its constants are kept per precision), against a fresh walker each time."""
    program = certified.Program(EXPRS)
    calls = list(itertools.product(POINTS, (50, 150, 15, 20)))
    for point, digits in calls + calls[::-1]:
        found = program.values(point, digits)
        for expr, a, b in zip(EXPRS, found, _reference(EXPRS, point, digits)):
            assert _same(a, b), (expr, point, digits, a, b)


def test_a_deep_tree_has_the_value_a_walker_finds_with_room_to_recurse() -> None:
    """A program does not recurse (a walker gives up on a tree this deep at Python's
    default limit, which would call a right claim wrong): its value is the one a
    walker finds when it is let recurse."""
    deep = [_deep(400), _deep(400) - _deep(399) * x]
    program = certified.Program(deep)
    limit = sys.getrecursionlimit()
    for point in POINTS:
        found = program.values(point, 50)
        sys.setrecursionlimit(50_000)
        try:
            expected = _reference(deep, point, 50)
        finally:
            sys.setrecursionlimit(limit)
        assert all(_same(a, b) for a, b in zip(found, expected)), point
        assert point[x] != 1.0 or found[0] is not None


def test_a_program_shares_sub_expressions_without_mixing_them_up() -> None:
    """Equal sub-expressions are one step; different ones (2*x and 2*y, x - y and
    y - x) never are, whatever order they are first met in."""
    exprs = [2 * x, 2 * y, x - y, y - x, (x - y) ** 2, (y - x) ** 3, 2 * x + 2 * y]
    for order in (exprs, exprs[::-1]):
        program = certified.Program(order)
        assert len(program.steps) == len(set(program.index))
        for point in POINTS:
            for expr, a, b in zip(order, program.values(point, 50),
                                  _reference(order, point, 50)):
                assert _same(a, b), (expr, point, a, b)


def test_the_precision_is_put_back() -> None:
    before = mpmath.mp.prec
    certified.Program([x * y]).values({x: 1.0, y: 2.0}, 150)
    assert mpmath.mp.prec == before


def test_values_at_is_the_walkers_at_every_point() -> None:
    symbols = [x, y]
    points = np.array([[p[x], p[y]] for p in POINTS], dtype=float)
    rows = compare.values_at(EXPRS, symbols, points, 50)
    for row, point in zip(rows, points):
        expected = _reference(EXPRS, dict(zip(symbols, point)), 50)
        assert all(_same(a, b) for a, b in zip(row, expected))


def test_regions_signs_follow_the_point_not_the_last_one() -> None:
    """Two entries sharing a guard, a point changed in place between calls, and
    -0.0 against 0.0: each call sees the signs of the point it is given."""
    differences = {(0, 0): sympy.Heaviside(x - y) * x, (0, 1): sympy.Max(x - y, 0) + y,
                   (1, 0): x + y}
    regions = compare._Regions(differences, list(differences))
    assert (1, 0) not in regions.places  # smooth: never enclosed here
    point = {x: 2.0, y: 1.0}
    assert regions((0, 0), point) and regions((0, 1), point)
    assert regions((0, 0), point) and not regions((0, 0), point)  # two per region
    point[x] = 0.0  # the same dict, another region
    assert regions((0, 0), point) and regions((0, 1), point)
    assert regions((0, 0), {x: 1.0, y: 1.0})  # on the guard: a third region
    assert not regions((0, 0), {x: 5.0, y: 1.0})  # the first region, third time
    assert regions.seen[(0, 0), (1,)] == 4
    assert regions.seen[(0, 0), (0,)] == 1


def _agree_reference(a: object, b: object, tolerance: mpmath.mpf, digits: int) -> bool:
    with mpmath.workdps(digits):
        return bool(abs(a - b) <= tolerance * max(abs(a), abs(b)))


def test_agree_on_raw_numbers_decides_as_mpmath_does() -> None:
    special = [mpmath.mpf(v) for v in (0, 1, -1, "1e-300", "-1e300", "nan", "inf", "-inf")]
    rng = random.Random(3)
    for digits in (15, 50, 150):
        with mpmath.workdps(digits + 30):
            base = [mpmath.mpf(rng.random()) * 10 ** rng.randint(-60, 60) * rng.choice((1, -1))
                    for _ in range(40)]
            # differences around the tolerance: just inside, just outside
            near = [b * (1 + rng.choice((1, -1)) * mpmath.mpf(10) ** -rng.randint(digits - 12,
                                                                               digits + 12))
                    for b in base]
        pairs = [*itertools.product(special, special), *zip(base, near), *zip(near, base)]
        for a, b in pairs:
            for tolerance in (compare.TOLERANCE, compare.FINE_TOLERANCE, mpmath.mpf("1e-10")):
                assert compare.agree(a, b, tolerance, digits) == \
                    _agree_reference(a, b, tolerance, digits), (a, b, tolerance, digits)
    assert compare.agree(mpmath.mpc(1, 1), mpmath.mpc(1, 1))  # not real: the slow path
    assert not compare.agree(None, mpmath.mpf(1))


def test_signs_given_by_the_comparison_serve_that_point_only() -> None:
    """The comparison hands each point's guard values to the regions (found with the
    entries'); a call at another point, or at that dict changed since, finds its own."""
    differences = {(0, 0): sympy.Heaviside(x - y) * x}
    regions = compare._Regions(differences, list(differences))
    assert regions.every == [x - y]
    point = {x: 2.0, y: 1.0}
    regions.at(point, [mpmath.mpf(-1)])  # (deliberately not the value there)
    regions((0, 0), point)
    assert regions.seen[(0, 0), (-1,)] == 1  # the signs given were used
    point[x] = 3.0  # changed: not the point the signs were given for
    regions((0, 0), point)
    regions((0, 0), {x: 2.0, y: 1.0})  # equal to the first, but not given: found
    assert regions.seen[(0, 0), (1,)] == 2


def test_along_lines_reuses_only_steps_whose_coordinates_are_unchanged() -> None:
    """:meth:`.certified.Program.along` keeps the steps of a recent point whose
    coordinates are bit for bit the same: points on lines through a few bases (one
    coordinate changed, or none), -0.0 against 0.0, nan, inf and subnormals in any
    coordinate, more points than it keeps, and a point given twice; each row must be a
    fresh walker's, at two precisions."""
    symbols = [x, y, z]
    exprs = [*EXPRS, z * x + y, sympy.Piecewise((z, z > x), (y * z, True)),
             sympy.Max(z, 0) * (x + y) + z]
    special = [0.0, -0.0, 5e-324, float("nan"), float("inf"), 1e300, -2.5]
    rng = random.Random(5)
    bases = [[0.0, 0.0, 0.0], [1.5, -0.25, 0.75], [-2.5, 0.5, 3.0]]
    rows = []
    for _ in range(3 * certified.RECENT):
        row = list(rng.choice(bases))
        for column in rng.sample(range(3), rng.choice((0, 1, 1, 1, 2))):
            row[column] = rng.choice([*special, rng.uniform(-3, 3)])
        rows.append(row)
    rows += [rows[0], rows[1], [-0.0, 0.0, -0.0], [0.0, 0.0, 0.0]]
    points = np.array(rows, dtype=float)
    for digits in (50, 150):
        program = certified.Program(exprs)
        for row, point in zip(program.along(symbols, points, digits), points):
            expected = _reference(exprs, dict(zip(symbols, point)), digits)
            assert all(_same(a, b) for a, b in zip(row, expected)), (point, digits)
    # not all doubles (an exact probe): each row afresh, the same values
    mixed = [np.array([1.5, mpmath.mpf(1) / 3, 0.5], dtype=object)] * 2
    for row, point in zip(certified.Program(exprs).along(symbols, mixed, 50), mixed):
        assert all(_same(a, b) for a, b in
                   zip(row, _reference(exprs, dict(zip(symbols, point)), 50)))


def test_expand_with_a_memo_is_sympys_expand_node_for_node() -> None:
    """``compare.expand`` keeps each sub-expression's expansion for the next place it
    is met (and the next entry): its result must be ``sympy.expand``'s exactly, with one
    memo shared by all the expressions, in either order."""
    a, b = sympy.symbols("a b", positive=True)
    relu = sympy.Max(0, x + 2 * y - 1)
    exprs = [
        x * (x + y) ** 2 - x ** 3, (x + y + 1) ** 3 * (x - y), sympy.exp(x + y) * (x + 1),
        sympy.log(a * b) - sympy.log(a), (a * b) ** x, x ** (y + 2) * (x + 1),
        2 * x * (y * relu + 3 * relu - y) * sympy.Heaviside(x + 2 * y - 1, 0) - relu * x,
        sympy.Piecewise((x * (y + 1), x > 0), (x ** 2 * (x - 1), True)) - x * y,
        sympy.sin(x * (y + 1)) * (x + y) + sympy.cos(2 * (x + y)),
        (x + y) / (x - y) + 1 / (x * (x + 1)), sympy.sqrt(x * (x + 1)) * (y + 1) ** 2,
        sympy.Abs(x * (y + 1)) + sympy.Min(x * (y + 2), y) * (x + 1),
        (x + y) ** 2 - (x * x + 2 * x * y + y * y), sympy.Integer(3), x, sympy.pi * (x + 1),
        sympy.exp(2 * sympy.log(x * (y + 1))), (x * (y + 1)) ** sympy.Rational(3, 2),
    ]
    for order in (exprs, exprs[::-1]):
        memo: dict = {}
        for expr in order:
            found = compare.expand(expr, memo)
            expected = sympy.expand(expr)
            assert found == expected and sympy.srepr(found) == sympy.srepr(expected), expr
    assert compare.cheap_expand(x * (y + 1)) == x * y + x


def test_guards_found_once_per_distinct_node_are_those_of_every_node() -> None:
    """``numeric.guard_expressions`` walks each distinct sub-expression once; the
    guards must be those of a walk over every node (``sympy.preorder_traversal``)."""
    from sphinx_vcr.core.checking import numeric

    def every_node(exprs: list) -> list:  # the walk it replaced
        guards = set()
        for expr in exprs:
            for node in sympy.preorder_traversal(expr):
                if isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside | sympy.log):
                    guards.add(node.args[0])
                elif isinstance(node, sympy.Max | sympy.Min):
                    guards.update(a - b for k, a in enumerate(node.args)
                                  for b in node.args[k + 1:])
                elif isinstance(node, sympy.Piecewise):
                    for _, condition in node.args:
                        guards.update(numeric.relational_sides(condition))
                elif isinstance(node, sympy.Pow) and not (node.exp.is_number
                                                          and node.exp.is_nonnegative
                                                          and node.exp.is_integer):
                    guards.add(node.base)
                elif isinstance(node, sympy.tan):
                    guards.add(sympy.cos(node.args[0]))
        return sorted((g for g in guards if not g.is_number), key=sympy.default_sort_key)

    relu = sympy.Max(0, x + y)
    exprs = [relu * x + relu * y + sympy.Heaviside(x + y, 0) * relu,
             sympy.Piecewise((sympy.log(x) * relu, (x > 1) & (y < 2)), (1 / (x - y), True)),
             sympy.Max(x, sympy.Max(y, z)) + sympy.Abs(x - z) ** sympy.Rational(1, 2),
             sympy.tan(x * y) + x ** y + sympy.sign(relu - 1), relu]
    found = numeric.guard_expressions(exprs)
    assert found == every_node(exprs)
    assert x + y in found and x - y in found and y - z in found and x - 1 in found

"""Compare a claimed derivative with the computed one: at points, exactly, then widely.

0. Differences that are rational functions of the entries (determinants, inverses,
   quadratic forms) are decided first by polynomial arithmetic on a common
   denominator (:mod:`.rational`), within a budget: an entry proven equal needs no
   expansion and no points (the costliest part of a 3 x 3 identity); one proven
   different is still located at a point by the next stage.
1. Every entry of the difference is evaluated at the sample points in 50-digit
   arithmetic, where any real difference stands far above the rounding. Most wrong
   claims stop here, without paying for simplification. Values are compared relative
   to their own magnitudes (``exp(-500)`` is compared as carefully as 1); where they
   differ, an interval enclosing the difference (claim minus derivative, expanded so
   that equal terms cancel exactly) tells rounding from a real difference.
2. SymPy then tries to reduce each remaining difference: to zero (equal), or to a
   non-zero number (wrong, however small: a claim off by ``1e-30`` is wrong, not "close
   enough"). Cheap certain checks run for every entry first; simplification has a time
   budget per entry.
3. What SymPy has not decided (a claim written with ``where()``, an identity too large
   to simplify in time) is compared in 150-digit arithmetic at the sample points and at
   many more (:mod:`.regions`): one in every interval between the boundaries of the
   pieces of the claim and the derivative, along lines through the sample points, and
   points from magnitude ``1e-8`` to ``1e3``, so a claim wrong on part of the domain, or
   by a tiny constant, is caught whether or not simplification finished. At the sample
   points the difference is also enclosed in an interval: one that excludes zero proves
   the claim wrong, however small the difference (see :func:`disagreement`).

Step functions whose sign a ``:where:`` condition fixes (``Heaviside(z)`` under
``z > 0``) are resolved first, so a derivative on one branch of a ReLU is exact too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy
from mpmath.libmp import dps_to_prec, mpf_abs, mpf_gt, mpf_le, mpf_mul, mpf_sub, round_nearest

from ..errors import LimitError
from ..running.limits import clock, remaining, soft_limit
from ..symbolic import exact
from ..symbolic.walk import distinct_nodes_of, free_symbols, has_any, tree_size
from ..words import _
from . import certified, pieces, rational
from .numeric import Probes, Sample, compile_function, guard_expressions

DIGITS = 50
TOLERANCE = mpmath.mpf("1e-40")   # relative to the values compared (never absolute): far
                                  # above 50-digit rounding, far below any difference a
                                  # claim could mean
#: Entries that exact simplification leaves undecided are compared again with these:
#: a claim off by a constant far below the 50-digit tolerance (``+ 10**-45``), which
#: only simplification would otherwise catch, and only if it finishes in time.
FINE_DIGITS = 150
FINE_TOLERANCE = mpmath.mpf("1e-140")
MAX_SIMPLIFY_OPS = 150            # larger differences are left to the points
TREE_BOUND = 8                    # a tree of more nodes per allowed operation has more
EXACT_SECONDS = 1.0               # of simplification per entry of a comparison
EXACT_TOTAL_SECONDS = 3.0         # ... and for all its entries together, at most
EXACT_SHARE = 0.3                 # ... and this share of the directive's time left: a
                                  # true 3x3 identity must leave time for the points
MAX_EXPANDED_TERMS = 400          # a difference that would expand into more terms than
                                  # this (a power of a sum) is left to the points
ROUNDING = round_nearest           # mpmath's own, for arithmetic on its raw numbers
PER_REGION = 2                    # probe points enclosed in each region of a difference
REGION_DIGITS = 20                # (regions are told apart in this many digits, where
                                  # the comparison does not give the guards' values)


@dataclass
class Difference:
    """The first entry where the claim and the derivative differ, and a point where."""

    row: int
    col: int
    claim: sympy.Expr
    actual: sympy.Expr
    point: np.ndarray
    #: How much they differ there (at least; nan where one has no value), if known.
    gap: mpmath.mpf | None = None


@dataclass
class Comparison:
    """``equal`` is True, or ``difference`` says where the claim is wrong."""

    equal: bool
    exact: bool
    difference: Difference | None = None
    #: The claim agreed at the sample points and failed only at the wider probes: it
    #: holds on part of the domain.
    partial: bool = False
    #: The probes an undecided claim was compared at, and what they covered.
    coverage: Probes | None = None


def positive_by_conditions(conditions: Sequence[sympy.Basic]) -> set[sympy.Expr]:
    """Expressions that the conditions make strictly positive (``a > b``: ``a - b``)."""
    positive: set[sympy.Expr] = set()
    for condition in conditions:
        if isinstance(condition, sympy.And):
            positive |= positive_by_conditions(condition.args)
        elif isinstance(condition, sympy.StrictGreaterThan):
            positive.add(sympy.expand(condition.lhs - condition.rhs))
        elif isinstance(condition, sympy.StrictLessThan):
            positive.add(sympy.expand(condition.rhs - condition.lhs))
    return positive


def resolve_steps(expr: sympy.Basic, conditions: Sequence[sympy.Basic],
                  substitution: dict[sympy.Symbol, sympy.Expr] | None = None) -> sympy.Basic:
    """Resolve the kinks whose side the conditions fix: step and sign functions,
    ``abs``, and two-argument ``max``/``min`` (``max(0, z)`` is ``z`` under ``z > 0``).

    Sound: only an argument that *is* (up to expansion) a strictly positive or negative
    side of a condition is resolved, so the result equals ``expr`` on the whole region.
    ``substitution`` expresses chain-rule intermediates (``z``) in the variables.
    """
    positive = positive_by_conditions(conditions)
    if not positive:
        return expr

    def sign_of(argument: sympy.Expr) -> int:
        argument = sympy.expand(argument.xreplace(substitution or {}))
        return 1 if argument in positive else -1 if sympy.expand(-argument) in positive else 0

    replace: dict[sympy.Basic, sympy.Basic] = {}
    # (each distinct node once: SymPy's atoms() walked every copy of the nested
    # inverses of a Cookbook claim, for 15 s)
    entries = list(expr) if isinstance(expr, sympy.MatrixBase) else [expr]
    kinks = {n for n in distinct_nodes_of(entries)
             if isinstance(n, sympy.Heaviside | sympy.sign | sympy.Abs | sympy.Max | sympy.Min)}
    for node in kinks:
        if isinstance(node, sympy.Max | sympy.Min):
            if len(node.args) != 2:
                continue
            first, second = node.args
            side = sign_of(first - second)
            if side:
                larger, smaller = (first, second) if side > 0 else (second, first)
                replace[node] = larger if isinstance(node, sympy.Max) else smaller
            continue
        side = sign_of(node.args[0])
        if not side:
            continue
        if isinstance(node, sympy.Heaviside):
            replace[node] = sympy.Integer(1 if side > 0 else 0)
        elif isinstance(node, sympy.sign):
            replace[node] = sympy.Integer(side)
        else:
            replace[node] = side * node.args[0]
    # Nested kinks are resolved from the inside out, one level at a time.
    resolved = expr.xreplace(replace) if replace else expr
    return resolve_steps(resolved, conditions, substitution) if replace else resolved


def exactly_zero(expr: sympy.Expr) -> bool | None:
    """True if ``expr`` is identically zero, False if it is certainly not (a non-zero
    number, a non-zero rational function, or an expression SymPy knows is never zero),
    else None (for the points to decide).

    :func:`quick_verdict` first; then SymPy's simplifications of the expression as the
    author wrote it (simplifying an expansion instead loses what ``simplify`` would
    see, such as a constant left over from ``tanh``). The caller bounds the time.
    """
    quick = quick_verdict(expr)
    return quick if quick is not None else simplified_verdict(expr)


def simplified_verdict(expr: sympy.Expr) -> bool | None:
    """What SymPy's simplifications decide, where :func:`quick_verdict` could not."""
    # count_ops walks the tree, for seconds on an inverse's shared determinant: a
    # tree this large has surely more operations (each Add or Mul of k terms is k - 1)
    if tree_size([expr])[0] > TREE_BOUND * MAX_SIMPLIFY_OPS \
            or sympy.count_ops(expr) > MAX_SIMPLIFY_OPS:
        return None  # (a large rational function too: cancel can take seconds)
    if exact.plain(expr):
        return sympy.cancel(expr) == 0
    # SymPy cannot decide piecewise expressions against each other (a where() claim
    # against a step function), and tries for seconds: leave them to the points.
    if expr.has(*_PIECEWISE):
        return None
    for simplify in (sympy.cancel, _trig_and_exp, sympy.simplify):
        try:
            reduced = simplify(expr)
        except (TypeError, ValueError, NotImplementedError, AttributeError, OverflowError):
            continue
        if reduced is None:
            continue
        if reduced == 0:
            return True
        if reduced.is_zero is False:  # non-zero for every (real) value of its symbols
            return False
        if reduced.is_number:
            return None
    return None


def quick_verdict(expr: sympy.Expr, memo: Expansions | None = None) -> bool | None:
    """The cheap, certain answers: zero once expanded (where the expansion is small),
    or a rational function that is not zero at an exact rational point. ``memo``: see
    :func:`cheap_expand`."""
    if expr == 0:
        return True
    expanded = cheap_expand(expr, memo)
    if expanded is not None and expanded == 0:
        return True
    if exact.plain(expr):
        for value in _rational_values(expr):
            if value != 0:
                return False
    return None


SYMBOLIC_SECONDS = 1.0  # to prove a general rule with the functions left undefined


def proven_equal(claim: sympy.Matrix, actual: sympy.Matrix) -> bool:
    """Whether SymPy proves every entry equal, within ``SYMBOLIC_SECONDS`` in all.

    For claims about abstract functions, left as SymPy's undefined functions: only a
    proof counts (an answer "different" about an unknown function is not trusted; the
    replacements decide that).
    """
    if claim.shape != actual.shape:
        return False
    deadline = clock() + min(SYMBOLIC_SECONDS, EXACT_SHARE * remaining())
    for a, b in zip(claim, actual):
        difference = a - b
        if quick_verdict(difference) is True:
            continue
        left = deadline - clock()
        if left <= 0:
            return False
        with soft_limit(left):
            if simplified_verdict(difference) is not True:
                return False
    return True


def _rational_values(expr: sympy.Expr) -> Iterator[Fraction]:
    """``expr`` (a rational function: :func:`.exact.plain`) at a few rational
    points, exactly (skipping poles)."""
    symbols = sorted(free_symbols([expr]), key=str)
    for k in range(3):
        point = {s: Fraction(2 * i + 3 + k, 7 + 2 * k * (i + 1))
                 for i, s in enumerate(symbols)}
        value = _exact_value(expr, point)
        if value is not None:
            yield value


def _exact_value(expr: sympy.Expr, point: dict[sympy.Symbol, Fraction]) -> Fraction | None:
    """A rational function at a rational point in exact arithmetic; None at a pole."""
    try:
        return exact.value(expr, point)
    except ZeroDivisionError:
        return None


def cheap_expand(expr: sympy.Expr, memo: Expansions | None = None) -> sympy.Expr | None:
    """``sympy.expand(expr)``, or None where the expansion would be large. ``memo``
    keeps the expansions of sub-expressions for the next call (see :func:`expand`)."""
    if _expanded_terms(expr) > MAX_EXPANDED_TERMS:
        return None
    return expand(expr, {} if memo is None else memo)


#: Sub-expressions already expanded, by hint and expression (see :func:`expand`).
Expansions = dict[tuple[str, sympy.Basic], tuple[sympy.Basic, bool]]
#: ``sympy.expand``'s hints with its default arguments, and the order its
#: ``Expr.expand`` applies them in (multinomial before mul).
_HINTS = {"power_base": True, "power_exp": True, "mul": True, "log": True,
          "multinomial": True, "basic": True}
_FIRST = [f"_eval_expand_{h}" for h in sorted(_HINTS, key=lambda h: "mulz" if h == "mul"
                                                 else h)]
_AGAIN = ["_eval_expand_multinomial", "_eval_expand_mul", "_eval_expand_log"]


def expand(expr: sympy.Basic, memo: Expansions) -> sympy.Basic:
    """``sympy.expand(expr)``, each distinct sub-expression expanded once.

    SymPy's ``Expr.expand`` walks the expression as a tree, once per hint and again
    until nothing changes: a sub-expression met in many places (a hidden unit's
    ``Max(0, z)`` in every entry of a network's derivative) is expanded again at each,
    and that was most of the time of expanding. This is the same algorithm with
    SymPy's own ``_eval_expand_*`` methods and hints, each sub-expression's result kept
    in ``memo`` (the expansion of a node is a function of the node alone), so the
    result is SymPy's, node for node."""
    if not isinstance(expr, sympy.Expr) or type(expr).expand is not sympy.Expr.expand:
        return sympy.expand(expr)
    for hint in _FIRST:
        expr = _expand_hint(expr, hint, memo)[0]
    while True:
        was = expr
        for hint in _AGAIN:
            expr = _expand_hint(expr, hint, memo)[0]
        if expr == was:
            return expr


def _expand_hint(expr: sympy.Basic, hint: str, memo: Expansions) -> tuple[sympy.Basic, bool]:
    """``sympy.Expr._expand_hint(expr, hint, **_HINTS)``, with ``memo``."""
    try:
        return memo[hint, expr]
    except KeyError:
        pass
    except TypeError:  # not hashable: SymPy's own, without the memo
        return sympy.Expr._expand_hint(expr, hint, **_HINTS)
    key, hit = expr, False
    if getattr(expr, "args", ()) and not expr.is_Atom:
        arguments = []
        for arg in expr.args:
            arg, arghit = _expand_hint(arg, hint, memo)
            hit |= arghit
            arguments.append(arg)
        if hit:
            expr = expr.func(*arguments)
    result = (expr, hit)
    if hasattr(expr, hint):
        changed = getattr(expr, hint)(**_HINTS)
        if changed != expr:
            result = (changed, True)
    memo[hint, key] = result
    return result


def _expanded_terms(expr: sympy.Basic, memo: dict[sympy.Basic, int] | None = None) -> int:
    """An upper estimate of the number of terms of ``expr`` expanded (it stays cheap:
    one pass over the distinct nodes, capped; over the tree, the copies of an inverse's
    determinant in a Cookbook claim took seconds)."""
    memo = {} if memo is None else memo
    known = memo.get(expr)
    if known is not None:
        return known
    cap = MAX_EXPANDED_TERMS + 1
    if isinstance(expr, sympy.Add):
        total = 0
        for a in expr.args:
            total += _expanded_terms(a, memo)
            if total >= cap:
                break
        found = min(total, cap)
    elif isinstance(expr, sympy.Mul):
        total = 1
        for factor in expr.args:
            total = min(total * _expanded_terms(factor, memo), cap)
            if total >= cap:
                break
        found = total
    elif isinstance(expr, sympy.Pow) and expr.exp.is_Rational and abs(expr.exp) > 1:
        terms = _expanded_terms(expr.base, memo)
        # the multinomial (a_1 + ... + a_k)**n has C(n + k - 1, k - 1) terms; of a
        # rational power p/q, expand multiplies out the integer part
        power = math.ceil(abs(expr.exp))
        found = 1 if terms == 1 else min(math.comb(power + terms - 1, terms - 1), cap)
    elif expr.args:  # functions are expanded inside too
        total = 0
        for a in expr.args:
            total += _expanded_terms(a, memo)
            if total >= cap:
                break
        found = max(1, min(total, cap))
    else:
        found = 1
    memo[expr] = found
    return found


_PIECEWISE = (sympy.Piecewise, sympy.Heaviside, sympy.sign, sympy.Max, sympy.Min,
              sympy.Abs)


def _trig_and_exp(expr: sympy.Expr) -> sympy.Expr | None:
    expanded = cheap_expand(expr)
    if expanded is None:
        return None
    return sympy.cancel(sympy.powsimp(sympy.trigsimp(expanded)))


def values_at(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
              points: np.ndarray, digits: int = DIGITS) -> list[list[mpmath.mpf | None]]:
    """``exprs`` at each point in ``digits``-digit arithmetic (None where not a real number).

    The trees are walked (:mod:`.certified`), not compiled to text: generated code would
    print each symbol by its name among mpmath's own names, where a user's ``e`` is
    Euler's number. They are laid out once for all the points (:class:`.certified.Program`).
    """
    return list(_values_along(exprs, symbols, points, digits))


#: Points without a value in double precision confirmed in many digits, at most: a nan
#: there is a candidate (a log of a negative), not yet a proof. Spread over all the
#: suspects, not the first ones: where doubles overflow (``log(10**400*(x + 1.5))``)
#: every point is a suspect, and the first few may all lie where there is a value.
MAX_SUSPECTS = 64


def first_without_value(exprs: Sequence[sympy.Expr], sample: Sample,
                        wider: np.ndarray | None = None
                        ) -> tuple[np.ndarray, sympy.Expr] | None:
    """The first point of ``sample`` where one of ``exprs`` has no real value, with that
    expression; None if there is none.

    The sample points are looked at in many digits. They are few (5 by default), and a
    claim without a value on a band of the region (``0*sqrt(x + 1.5)`` below -1.5)
    passed for a third of the seeds: the other points of the region drawn on the way
    (:attr:`.Sample.admitted`, hundreds) are looked at in double precision too, and a
    nan there counts only once the same many-digit evaluation confirms it; so do
    the ``wider`` points (:func:`.regions.spread_points`: at every magnitude)."""
    for point, row in zip(sample.points, values_at(exprs, sample.symbols, sample.points)):
        missing = _confirmed(exprs, row, sample.symbols, point)
        if missing is not None:
            return point, missing
    points = sample.admitted
    if wider is not None and wider.size:
        points = np.vstack([points, wider]) if len(points) else wider
    if not len(points) or not exprs:
        return None
    try:
        doubles = compile_function(list(exprs), sample.symbols)(points)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None  # not compiled: the sample points alone decide, as before
    with np.errstate(invalid="ignore"):
        # An infinity too: 1/relu(x - 1) is one on a whole band, where it has no value
        # (and a value past a double's range is confirmed to be one below).
        suspects = np.flatnonzero(np.any(~np.isfinite(np.asarray(doubles, dtype=float)),
                                         axis=0))
    if len(suspects) > MAX_SUSPECTS:
        suspects = suspects[np.linspace(0, len(suspects) - 1, MAX_SUSPECTS).astype(int)]
    for point, row in zip(points[suspects], values_at(exprs, sample.symbols,
                                                        points[suspects])):
        missing = _confirmed(exprs, row, sample.symbols, point)
        if missing is not None:
            return point, missing
    return None


def _confirmed(exprs: Sequence[sympy.Expr], row: Sequence[object],
               symbols: Sequence[sympy.Symbol], point: np.ndarray) -> sympy.Expr | None:
    """The first of ``exprs`` without a value in ``row`` (their values in many digits)
    that has none at the exact point either: ``sqrt(min(x, 1/3) - 1/3 + abs(x - 1/3))``
    is the root of an exact 0 on x < 1/3, which rounding made negative (a correct claim
    failed)."""
    return next((e for e, v in zip(exprs, row)
                 if v is None and no_value_at(e, symbols, point, DIGITS)), None)


#: Of SymPy's exact evaluation at a point (a large claim's substitution), at most.
POINT_SECONDS = 0.5


#: Where SymPy cannot tell, an enclosure this many times as precise decides.
MUCH_FINER = 8


def no_value_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                 point: Sequence[object], digits: int) -> bool:
    """Whether ``expr`` has no real value at ``point``, whose enclosure at ``digits``
    said it may have none: SymPy's exact value decides where it is a number or has no
    value (an infinity, ``nan``, a number not real). Where SymPy leaves it unevaluated
    (``log(3*log(10) - log(1000))``, which it even calls real), an enclosure
    :data:`MUCH_FINER` times as precise decides: an exact zero stays in every
    enclosure, a merely small number leaves it."""
    told: bool | None = None
    with soft_limit(POINT_SECONDS):  # (out of time: left to the enclosure)
        value = expr.xreplace({s: exact.rational_of(c) for s, c in zip(symbols, point)})
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or (
                value.is_number and value.is_extended_real is False):
            told = True
        elif value.is_Rational or value.is_Float:
            told = False
    if told is not None:
        return told
    finer = certified.evaluate([expr], dict(zip(symbols, point)), MUCH_FINER * digits,
                               certified.BALLS)
    return finer[0] is None


def _values_along(exprs: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol],
                  points: np.ndarray, digits: int) -> Iterator[list[mpmath.mpf | None]]:
    """:func:`values_at`, one point at a time (a difference found stops the rest)."""
    yield from certified.Program(exprs).along(symbols, points, digits)


def compare(claim: sympy.Matrix, actual: sympy.Matrix, symbols: Sequence[sympy.Symbol],
            points: np.ndarray, probes: Callable[[], Probes] | None = None,
            prove: bool = True) -> Comparison:
    """Compare two matrices of one shape (see the module docstring for the stages).

    ``probes`` gives the extra points of stage 3, inside the region and the domain.
    Without ``prove``, only stage 1 runs: enough where agreement is a theorem and a
    difference could only be a bug (a chain rule against the composition).
    """
    # Rational differences (determinants, inverses, quadratic forms) are decided by
    # polynomial arithmetic first: the entries it proves equal need neither SymPy's
    # expansion nor points, the costliest parts of a large identity; what it proves
    # wrong is still located at a point below.
    every = [(i, j) for i in range(claim.rows) for j in range(claim.cols)]
    decided = exact_verdicts(claim, actual, every)
    # The entries share most of their sub-expressions: each is expanded once for all.
    memo: Expansions = {}
    differences = _differences(claim, actual,
                               [cell for cell in every if decided.get(cell) is not True],
                               memo)
    cells = list(differences)
    if not cells:
        return Comparison(True, True)
    found = _differ_at(claim, actual, differences, cells, symbols, points)
    if found:
        return Comparison(False, False, found)
    if not prove:
        return Comparison(True, False)
    # The cheap, certain verdicts for every entry first, so that no slow entry keeps
    # a wrong one from being found; then simplification, entry by entry, each within
    # a budget: it can take seconds on a true identity, and what it has not settled
    # in time is left to the points, so a true claim never times out here.
    verdicts = {cell: False if decided.get(cell) is False else
                quick_verdict(claim[cell] - actual[cell], memo) for cell in cells}
    _simplify(verdicts, claim, actual)
    wrong = [cell for cell, verdict in verdicts.items() if verdict is False]
    if wrong:
        i, j = wrong[0]
        return Comparison(False, True, Difference(i, j, claim[i, j], actual[i, j],
                                                  points[0]))
    undecided = [cell for cell, verdict in verdicts.items() if verdict is None]
    if not undecided:
        return Comparison(True, True)
    found = _differ_at(claim, actual, differences, undecided, symbols, points, fine=True,
                       certify=lambda cell, point: True)
    if found:
        return Comparison(False, False, found)
    if probes is not None:
        coverage = probes()
        # A probe in a region where every undecided entry is proven equal (the pieces
        # settled by the region's signs, then zero exactly: :mod:`.pieces`) needs no
        # evaluation; every other probe is evaluated.
        proofs = pieces.Proofs({cell: differences[cell] for cell in undecided},
                               {cell: (claim[cell], actual[cell]) for cell in undecided},
                               symbols)
        need = proofs.unproven(undecided, coverage.points)
        coverage.proven = int(len(need) - need.sum())
        found = _differ_at(claim, actual, differences, undecided, symbols,
                           coverage.points[need], fine=True,
                           certify=_Regions(differences, undecided))
        # Pieces narrower than a double's spacing have probes that are not doubles
        # (regions.Coverage): few, each enclosed. Where the derivative has no value
        # at all of them, that is no evidence (the float probes judged already).
        exact = getattr(coverage, "exact", [])
        found = found or (exact and _differ_at(claim, actual, differences, undecided,
                                               symbols, exact, fine=True,
                                               certify=lambda cell, point: True,
                                               unjudged=False))
        if found:
            return Comparison(False, False, found, partial=True)
        return Comparison(True, False, coverage=coverage)
    return Comparison(True, False)


#: Of polynomial arithmetic (:mod:`.rational`) for all the entries of a comparison.
RATIONAL_SECONDS = 1.0


def exact_verdicts(claim: sympy.Matrix, actual: sympy.Matrix, cells: list[Cell]
                   ) -> dict[Cell, bool | None]:
    """What polynomial arithmetic decides of each entry's difference (see
    :mod:`.rational`), within ``RATIONAL_SECONDS`` and a share of the time left;
    entries it has not decided when that is spent are left out."""
    verdicts: dict[Cell, bool | None] = {}
    if not cells:
        return verdicts
    with soft_limit(min(RATIONAL_SECONDS, EXACT_SHARE * remaining())):
        differences = {cell: claim[cell] - actual[cell] for cell in cells}
        forms = rational.Rational(differences.values())
        for cell, difference in differences.items():
            verdicts[cell] = forms.zero(difference)
    return verdicts


def _simplify(verdicts: dict[Cell, bool | None], claim: sympy.Matrix,
              actual: sympy.Matrix) -> None:
    """Fill in the undecided ``verdicts`` by simplification, each entry within
    ``EXACT_SECONDS`` and all of them within a total share of the time left; entries
    left when it is spent stay undecided, for the points."""
    deadline = clock() + min(EXACT_TOTAL_SECONDS, EXACT_SHARE * remaining())
    for cell, verdict in verdicts.items():
        left = deadline - clock()
        if verdict is not None:
            continue
        if left <= 0:
            return
        with soft_limit(min(EXACT_SECONDS, left)):
            verdicts[cell] = simplified_verdict(claim[cell] - actual[cell])


def _differences(claim: sympy.Matrix, actual: sympy.Matrix, cells: list[Cell],
                 memo: Expansions | None = None) -> dict[Cell, sympy.Expr]:
    """Claim minus derivative for each of ``cells`` where they are not equal once
    expanded: expanded (where that is cheap) so that equal terms have cancelled
    exactly, and only a real difference is left to evaluate."""
    differences = {}
    for i, j in cells:
        # Folded first, so that the subtraction reaches into where() branches and 2*x
        # cancels inside them too (a branch off by 10**-200 is then enclosed as
        # 10**-200, not as the rounding of 2*x).
        difference = _fold(claim[i, j] - actual[i, j])
        expanded = cheap_expand(difference, memo)
        if expanded != 0:
            differences[i, j] = difference if expanded is None else expanded
    return differences


#: Differences with more where() parts than this are not folded into one.
MAX_FOLDED = 4


def _fold(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with its Piecewise parts folded into one, where SymPy can (and where
    it stays small: folding k of them can make 2**k branches)."""
    # (the distinct nodes once: SymPy's has() and atoms() walk every copy)
    pieces = {n for n in distinct_nodes_of([expr]) if isinstance(n, sympy.Piecewise)}
    if not pieces or len(pieces) > MAX_FOLDED:
        return expr
    try:
        return sympy.piecewise_fold(expr)
    except (TypeError, ValueError, NotImplementedError, AttributeError, OverflowError):
        return expr


Cell = tuple[int, int]


class _Regions:
    """Which probe points an entry's difference is enclosed at: a few in each region
    of its branches.

    A smooth difference that is not zero is not zero at the sample points either, where
    every difference is enclosed. One with branches (``where``, ``abs``, steps) may be
    non-zero in one region only; within a region it is smooth again, so a few points
    of each region the probes reach stand for all of it. A region is told by the signs
    of the difference's guards (:func:`.numeric.guard_expressions`).
    """

    def __init__(self, differences: dict[Cell, sympy.Expr], cells: list[Cell]) -> None:
        self.guards = {cell: guard_expressions([differences[cell]]) for cell in cells
                       if has_any([differences[cell]], _PIECEWISE)}
        # The entries of a matrix share their guards (each unit of a layer is a guard
        # of a whole row): every distinct guard is evaluated once per point, for all.
        self.every = sorted({g for guards in self.guards.values() for g in guards},
                            key=sympy.default_sort_key)
        place = {guard: k for k, guard in enumerate(self.every)}
        self.places = {cell: [place[g] for g in guards] for cell, guards in self.guards.items()}
        self.seen: Counter[tuple] = Counter()
        #: The point being compared, by value (a memo must never give one point's
        #: signs for another, nor for a dict changed since), and its guards' signs.
        self.current: tuple[tuple, list[int | None]] | None = None
        self.program: certified.Program | None = None

    def at(self, point: dict[sympy.Symbol, float], values: Sequence[mpmath.mpf | None]
           ) -> None:
        """The values of ``every`` guard at ``point``, the point compared next: they are
        found with the entries' (in the same program and digits, sharing their
        sub-expressions), not once more."""
        self.current = (_key(point), [None if v is None else (v > 0) - (v < 0)
                                      for v in values])

    def __call__(self, cell: Cell, point: dict[sympy.Symbol, float]) -> bool:
        places = self.places.get(cell)
        if places is None:
            return False
        if self.current is None or self.current[0] != _key(point):
            # (not given by the comparison: found here, in REGION_DIGITS)
            if self.program is None:
                self.program = certified.Program(self.every)
            self.at(point, self.program.values(point, REGION_DIGITS))
        every = self.current[1]
        signs = tuple(every[k] for k in places)
        self.seen[cell, signs] += 1
        return self.seen[cell, signs] <= PER_REGION


def _key(point: dict[sympy.Symbol, float]) -> tuple:
    """A point by value: its coordinates' names and values, in order."""
    return tuple(point), tuple(point.values())


def _differ_at(claim: sympy.Matrix, actual: sympy.Matrix,
               differences: dict[Cell, sympy.Expr], cells: list[Cell],
               symbols: Sequence[sympy.Symbol], points: Sequence[np.ndarray],
               fine: bool = False, certify: Callable[[Cell, dict], bool] | None = None,
               unjudged: bool = True) -> Difference | None:
    """The first cell and point where claim and derivative differ in 50 digits (in 150
    digits if ``fine``); where ``certify`` says so, however little (see
    :func:`disagreement`). With ``unjudged``, a derivative without a value at every
    point is a difference too."""
    if not len(points):
        return None
    exprs = [e for cell in cells for e in (claim[cell], actual[cell])]
    digits, tolerance = fine_precision(exprs) if fine else (DIGITS, TOLERANCE)
    guards = certify.every if isinstance(certify, _Regions) else []
    judged, none = False, None
    for point, row in zip(points, _values_along([*exprs, *guards], symbols, points, digits)):
        at = dict(zip(symbols, point))
        if guards:
            certify.at(at, row[len(exprs):])
        for k, (i, j) in enumerate(cells):
            if row[2 * k + 1] is None:
                # The derivative has no value here (a kink, or a form the many-digit
                # evaluation refuses): no evidence either way, least of all that a
                # :mistake: is wrong. Only if no point has one is that a difference.
                none = none or Difference(i, j, claim[i, j], actual[i, j], point,
                                          mpmath.mpf("nan"))
                continue
            judged = True
            gap = disagreement(row[2 * k], row[2 * k + 1], differences[i, j], at, digits,
                               tolerance, certify is not None and certify((i, j), at))
            if gap is not None:
                return Difference(i, j, claim[i, j], actual[i, j], point, gap)
    return None if judged or not unjudged else none


def fine_precision(exprs: Sequence[sympy.Expr]) -> tuple[int, mpmath.mpf]:
    """The digits and the relative tolerance of the fine comparison of ``exprs``:
    :data:`FINE_DIGITS`, and as many more as their constants span
    (:func:`.exact.constant_digits`): ``exp(x + 10**-200)`` differs from ``exp(x)`` by
    1e-200 relatively, which 150 digits do not see, and it verified. A constant longer
    than :data:`.exact.MAX_CONSTANT_DIGITS` is refused (``exp(x + exp(-5000))``
    verified while the digits were capped): a :class:`.LimitError`."""
    extra, constant = exact.longest_constant(exprs)
    if extra > exact.MAX_CONSTANT_DIGITS:
        text = str(constant)
        raise LimitError(_("a constant spans {digits} digits ({constant}), more than the "
                           "{limit} the numerical comparison resolves, and the claim was "
                           "not decided exactly: a claim that differs by so little could "
                           "pass; write it shorter").format(
                               digits=extra, limit=exact.MAX_CONSTANT_DIGITS,
                               constant=text if len(text) <= 40 else text[:37] + "..."),
                         option="expect")
    if not extra:
        return FINE_DIGITS, FINE_TOLERANCE
    digits = FINE_DIGITS + extra
    return digits, mpmath.mpf(10) ** (10 - digits)


def disagreement(claimed: mpmath.mpf | None, actual: mpmath.mpf | None,
                 difference: sympy.Expr, point: dict[sympy.Symbol, float], digits: int,
                 tolerance: mpmath.mpf, certify: bool = False) -> mpmath.mpf | None:
    """None if a claim agrees with the derivative at ``point``, else how much they
    differ by (nan where one of them has no value).

    ``claimed`` and ``actual`` are their values in ``digits`` digits, ``difference`` the
    claim minus the derivative (with equal terms cancelled). In order:

    1. A value that is not a number is a difference too: only agreement proven at the
       point may pass.
    2. Values that agree to ``tolerance``, relative to the larger of them, agree;
       with ``certify``, unless an enclosure of ``difference`` excludes zero, which
       proves them different however small the difference is.
    3. Values that do not agree differ, unless an enclosure of ``difference`` contains
       zero and shrinks with more digits, never excluding it: then they are values
       near zero (or of larger terms that cancel) that differ by rounding only.
    """
    if claimed is None or actual is None:
        return mpmath.mpf("nan")
    if agree(claimed, actual, tolerance, digits):
        if not certify:
            return None
        ball = certified.enclosure(difference, point, digits)
        return certified.bound(ball) if ball is not None and \
            certified.excludes_zero(ball) else None
    with mpmath.workdps(digits):
        gap = abs(claimed - actual)
    ball = certified.enclosure(difference, point, digits)
    if ball is None or certified.excludes_zero(ball):
        return gap if ball is None else certified.bound(ball)
    finer = certified.enclosure(difference, point, 3 * digits)
    if finer is None or certified.excludes_zero(finer):
        return gap if finer is None else certified.bound(finer)
    # Rounding shrinks as the digits grow; a difference the enclosure cannot see (a
    # branch it cannot decide) does not.
    with mpmath.workdps(3 * digits):
        shrank = certified.bound(finer) <= certified.bound(ball) * mpmath.mpf(10)**-digits
    return None if shrank else gap


def agree(x: object, y: object, tolerance: mpmath.mpf = TOLERANCE,
          digits: int = DIGITS) -> bool:
    """Whether two values are equal to ``tolerance``, relative to the larger of them.

    Relative only, with no absolute floor: ``1e-200`` and ``0`` differ as much as 1
    and 0 do. The arithmetic runs at the full working precision: outside it, mpmath
    would round the difference to double precision and hide all that the digits were
    for.
    """
    if x is None or y is None:
        return False
    raws = [getattr(v, "_mpf_", None) for v in (x, y, tolerance)]
    if None in raws:
        with mpmath.workdps(digits):
            return bool(abs(x - y) <= tolerance * max(abs(x), abs(y)))
    # Real numbers (nearly all calls: one per entry and probe point): the same
    # operations on mpmath's raw numbers, rounded as the context manager's precision
    # would round them, without entering one for each comparison.
    a, b, t = raws
    prec = dps_to_prec(digits)
    gap = mpf_abs(mpf_sub(a, b, prec, ROUNDING))
    a, b = mpf_abs(a), mpf_abs(b)
    larger = b if mpf_gt(b, a) else a  # as max() picks
    return mpf_le(gap, mpf_mul(t, larger, prec, ROUNDING))


def evaluate_at(expr: sympy.Expr, symbols: Sequence[sympy.Symbol],
                point: np.ndarray) -> mpmath.mpc:
    """The value of ``expr`` at ``point``, to 50 digits (nan where it has none), worked
    out in as many digits as its constants span: at a probe in a band 1e-60 wide,
    where(abs(x - 1/3) > 10**-60, ...) was taken on the wrong side, and the message
    named a value the claim has not there."""
    digits = DIGITS + exact.constant_digits([expr])
    value = values_at([expr], symbols, point[None, :], digits)[0][0]
    return mpmath.mpmathify(value) if value is not None else mpmath.mpf("nan")

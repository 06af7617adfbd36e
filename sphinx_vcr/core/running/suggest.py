"""Near misses of a wrong claim: which slip it is, and the corrected claim to paste.

A claim that differs from the derivative by a sign, a transpose (of the whole or of
matrix factors inside it), a constant factor, a missing symmetric part (``A`` for
``A + A.T``) or its layout gets a suggestion in the author's syntax: "the sign is
wrong; did you mean :expect: -x.T?". The slip is told by cheap means (the values at the
sample points, :func:`..rendering.messages.pattern_of`; the trees of the claim and of
the verified index-free form); the correction is then run as a claim, at every size, and
shown only if it holds: a suggestion is never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import combinations

from ..calculus.indexfree import to_text
from ..language.problem import Problem
from ..language.syntax import (
    Binary,
    Expr,
    Name,
    Num,
    Transpose,
    Unary,
    children,
    substituted,
    walk,
    with_children,
)
from ..records import Run
from ..rendering.messages import pattern_hint, pattern_of
from ..words import _
from .derived import Derived, tidy

#: Runs a corrected claim as the directive's claim: whether it holds.
Holds = Callable[[Expr], bool]
#: Whether a tree has the claim's values at the failed run's sample points.
LikeClaim = Callable[[Expr], bool]

#: The claim's matrices tried transposed: each subset of at most this many, fewest
#: first (each is a verification, within the budget for explanations).
TRANSPOSABLE = 3


def suggestion(problem: Problem, derived: Derived | None, run: Run, holds: Holds,
               like_claim: LikeClaim | None = None) -> str:
    """``the sign is wrong; did you mean :expect: ...?``, or ``""`` when no slip is
    told or no correction of it holds."""
    for why, fix in candidates(problem, derived, run, like_claim):
        if holds(fix):
            return _("{why}; did you mean :expect: {fix}?").format(why=why, fix=to_text(fix))
    return ""


def layout_suggestion(problem: Problem, holds: Holds) -> str:
    """For a claim of the wrong shape (or whose shapes do not fit together): its
    transpose, if that holds, else the claim with some of its matrices transposed
    (``2 * X @ (X @ w - y)`` for ``2 * X.T @ (X @ w - y)``, which ``@`` refused)."""
    assert problem.expect is not None
    fix = tidy(problem, Transpose(problem.expect))
    if holds(fix):
        return _("{why}; did you mean :expect: {fix}?").format(
            why=_("the claim is in the other layout"), fix=to_text(fix))
    for why, fix in _transposed_factors(problem, problem.expect):
        if holds(fix):
            return _("{why}; did you mean :expect: {fix}?").format(why=why, fix=to_text(fix))
    return ""


def candidates(problem: Problem, derived: Derived | None, run: Run,
               like_claim: LikeClaim | None = None) -> list[tuple[str, Expr]]:
    """The corrections worth trying, each with the slip it would mend (unverified)."""
    claim = problem.expect
    assert claim is not None
    found: list[tuple[str, Expr]] = []
    pattern = "" if run.claim is None else pattern_of(run.claim, run.derivative, run.sample)
    # The slip in the words of the hint from the values, which it replaces.
    why = "" if not pattern else pattern_hint(run.claim, run.derivative, run.sample,
                                              run.instance.case.assignment)
    if pattern == "sign":
        found.append((why, tidy(problem, negated(claim))))
    elif pattern == "transpose":
        found.append((why, tidy(problem, Transpose(claim))))
    elif pattern:
        factor = _fraction(pattern)
        if factor:
            found.append((why, tidy(problem, Binary("*", Num(1 / factor), claim))))
    if derived is not None:
        half = _half_of_a_symmetric_part(problem, derived.tree, claim, like_claim)
        if half is not None:
            found.append((_symmetric_slip(*half, problem), derived.tree))
    found.extend(_transposed_factors(problem, claim))
    return found


def negated(tree: Expr) -> Expr:
    """``-tree`` as a person writes it: a difference among its factors turned round
    (``(X @ w - y).T @ X`` for ``(y - X @ w).T @ X``), else a leading minus dropped or
    a leading number negated, else ``-tree``."""
    return _flipped(tree) or _signed(tree)


def _flipped(tree: Expr) -> Expr | None:
    """``tree`` with one difference among its factors turned round, or ``None``."""
    match tree:
        case Binary(op="-", left=left, right=right):
            return Binary("-", right, left)
        case Transpose(operand=inner):
            flipped = _flipped(inner)
            return None if flipped is None else Transpose(flipped)
        case Binary(op="*" | "@" | "/" as op, left=left, right=right):
            if (flipped := _flipped(left)) is not None:
                return Binary(op, flipped, right)
            if (flipped := _flipped(right)) is not None:
                return Binary(op, left, flipped)
    return None


def _signed(tree: Expr) -> Expr:
    """``-tree`` with the sign on its leading factor."""
    match tree:
        case Unary(op="-", operand=inner):
            return inner
        case Num(value=value):
            return Num(-value)
        case Binary(op="*" | "@" | "/" as op, left=left, right=right):
            return Binary(op, _signed(left), right)
    return Unary("-", tree)


def _transposed_factors(problem: Problem, claim: Expr) -> list[tuple[str, Expr]]:
    """Corrections that transpose some of the claim's matrices (``A.T`` for ``A`` and
    ``A`` for ``A.T``, wherever each appears): a factor transposed inside a product is
    no transpose of the whole (``A @ B`` for ``A.T @ B.T``)."""
    matrices = {d.name for d in (*problem.wrt, *problem.params)
                if len(d.dims) == 2 and 1 not in d.dims and not d.structure}
    names = sorted(matrices & {n.id for n in walk(claim) if isinstance(n, Name)})
    found = []
    for count in range(1, min(len(names), TRANSPOSABLE) + 1):
        for chosen in combinations(names, count):
            which = ", ".join(_("{wrong} should be {right}").format(
                wrong=to_text(_as_written(claim, name)),
                right=to_text(_swapped(_as_written(claim, name), {name})))
                for name in chosen)
            found.append((_("a factor is transposed the wrong way: {which}").format(
                which=which), tidy(problem, _swapped(claim, set(chosen)))))
    # One occurrence of a matrix the claim writes more than once (2 * X @ (X @ w - y)
    # for 2 * X.T @ (X @ w - y)): each on its own.
    occurrences = [n for n in _matrix_occurrences(claim, matrices)]
    if len(occurrences) > len({_name_of(n) for n in occurrences}):
        for k, node in enumerate(occurrences[:MAX_OCCURRENCES]):
            fixed = _swapped_occurrence(claim, k, matrices)
            found.append((_("a factor is transposed the wrong way: {wrong} should be "
                            "{right} in one place").format(
                wrong=to_text(node), right=to_text(_swapped(node, {_name_of(node)}))),
                tidy(problem, fixed)))
    return found


#: Occurrences of the claim's matrices tried transposed one at a time, at most.
MAX_OCCURRENCES = 6


def _matrix_of(node: Expr) -> Expr:
    """``A`` for ``A.T``, else ``node`` itself."""
    return node.operand if isinstance(node, Transpose) else node


def _name_of(node: Expr) -> str:
    return _matrix_of(node).id  # type: ignore[union-attr]


def _matrix_occurrences(tree: Expr, matrices: set[str]) -> list[Expr]:
    """The claim's matrices as it writes them (``X`` or ``X.T``), left to right."""
    match tree:
        case Transpose(operand=Name(id=name)) if name in matrices:
            return [tree]
        case Name(id=name) if name in matrices:
            return [tree]
    return [o for k in children(tree) for o in _matrix_occurrences(k, matrices)]


def _swapped_occurrence(tree: Expr, index: int, matrices: set[str]) -> Expr:
    """``tree`` with its ``index``-th matrix occurrence transposed (and only it)."""
    counter = [index]

    def visit(node: Expr) -> Expr:
        match node:
            case Transpose(operand=Name(id=name)) if name in matrices:
                counter[0] -= 1
                return Name(name) if counter[0] == -1 else node
            case Name(id=name) if name in matrices:
                counter[0] -= 1
                return Transpose(node) if counter[0] == -1 else node
        kids = children(node)
        return with_children(node, tuple(visit(k) for k in kids)) if kids else node

    return visit(tree)


def _as_written(claim: Expr, name: str) -> Expr:
    """How ``claim`` first writes the matrix ``name``: ``A`` or ``A.T``."""
    transposed = Transpose(Name(name))
    for node in walk(claim):
        if node == transposed:
            return transposed
        if node == Name(name):
            return node
    return Name(name)


def _swapped(tree: Expr, names: set[str]) -> Expr:
    """``tree`` with each matrix of ``names`` transposed (and each transposed one not)."""
    match tree:
        case Transpose(operand=Name(id=name)) if name in names:
            return Name(name)
        case Name(id=name) if name in names:
            return Transpose(tree)
    kids = children(tree)
    return with_children(tree, tuple(_swapped(k, names) for k in kids)) if kids else tree


def _symmetric_slip(part: Expr, twice: bool, problem: Problem) -> str:
    """The words for a claim with ``2 * P`` (``twice``) or ``P`` where the derivative
    has ``P + P.T``. Twice a matrix is its symmetric part only if it is symmetric: the
    claim took it to be (a matrix declared with a structure is symmetric already, and
    has no such part)."""
    matrix = _matrix_of(part)
    if twice and isinstance(matrix, Name):
        return _("the claim takes {name} to be symmetric, which :vars: does not "
                 "declare").format(name=matrix.id)
    why = (_("the claim has twice {part} where the derivative has {part} + {transposed}")
           if twice else
           _("the claim has {part} where the derivative has {part} + {transposed}"))
    return why.format(part=to_text(part), transposed=to_text(tidy(problem, Transpose(part))))


def _half_of_a_symmetric_part(problem: Problem, derived: Expr, claim: Expr,
                              like_claim: LikeClaim | None) -> tuple[Expr, bool] | None:
    """The ``P`` of a sum ``P + P.T`` in the derived form (``b @ c.T + c @ b.T``) that
    the claim has as ``2 * P`` (``2 * X @ b @ c.T`` for ``X @ (b @ c.T + c @ b.T)``:
    ``True``) or as ``P`` alone (``False``); told by the values, since the claim's
    tree need not hold ``P`` as a subtree."""
    if like_claim is None:
        return None
    for node in walk(derived):
        match node:
            case Binary(op="+", left=left, right=right) \
                    if left != right and tidy(problem, Transpose(left)) == right:
                found = [(part, twice) for part in (left, right) for twice in (True, False)
                         if like_claim(substituted(derived, node, Binary("*", Num(2), part)
                                                 if twice else part))]
                # At a size where P is P.T (n = 1) both agree: the words name the one
                # the claim writes (x.T @ A.T has A.T, not A).
                written = [f for f in found if _writes(claim, f[0])]
                if len({twice for _part, twice in found}) == 1 and (written or found):
                    return (written or found)[0]
    return None


def _writes(claim: Expr, part: Expr) -> bool:
    """Whether ``claim`` writes ``part`` as it is (``A.T`` is not ``A``)."""
    matrix = _matrix_of(part)
    if isinstance(matrix, Name):
        return _as_written(claim, matrix.id) == part
    return part in set(walk(claim))


def _fraction(text: str) -> Fraction | None:
    """The factor a pattern names (``1/2``, ``0.707107``), if it is a nonzero number."""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value or None

"""Near misses of a wrong claim: which slip it is, and the corrected claim to paste.

A claim that differs from the derivative by a sign, a transpose, a constant factor, a
missing symmetric part (``A`` for ``A + A.T``) or its layout gets a suggestion in the
author's syntax: "the sign is wrong; did you mean :expect: -x.T?". The slip is told by
cheap means (the values at the sample points, :func:`..rendering.messages.pattern_of`;
the trees of the claim and of the verified index-free form); the correction is then run
as a claim, at every size, and shown only if it holds: a suggestion is never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..calculus.indexfree import to_text
from ..language.problem import Problem
from ..language.syntax import Binary, Expr, Name, Num, Transpose, Unary, walk
from ..records import Run
from ..rendering.messages import pattern_hint, pattern_of
from ..words import _
from .derived import Derived, tidy

#: Runs a corrected claim as the directive's claim: whether it holds.
Holds = Callable[[Expr], bool]


def suggestion(problem: Problem, derived: Derived | None, run: Run, holds: Holds) -> str:
    """``the sign is wrong; did you mean :expect: ...?``, or ``""`` when no slip is
    told or no correction of it holds."""
    for why, fix in candidates(problem, derived, run):
        if holds(fix):
            return _("{why}; did you mean :expect: {fix}?").format(why=why, fix=to_text(fix))
    return ""


def layout_suggestion(problem: Problem, holds: Holds) -> str:
    """For a claim of the transposed shape: its transpose, if that holds."""
    assert problem.expect is not None
    fix = tidy(problem, Transpose(problem.expect))
    if not holds(fix):
        return ""
    return _("{why}; did you mean :expect: {fix}?").format(
        why=_("the claim is in the other layout"), fix=to_text(fix))


def candidates(problem: Problem, derived: Derived | None, run: Run) -> list[tuple[str, Expr]]:
    """The corrections worth trying, each with the slip it would mend (unverified)."""
    claim = problem.expect
    assert claim is not None
    found: list[tuple[str, Expr]] = []
    pattern = "" if run.claim is None else pattern_of(run.claim, run.derivative, run.sample)
    # The slip in the words of the hint from the values, which it replaces.
    why = "" if not pattern else pattern_hint(run.claim, run.derivative, run.sample,
                                              run.instance.case.assignment)
    if pattern == "sign":
        found.append((why, tidy(problem, Unary("-", claim))))
    elif pattern == "transpose":
        found.append((why, tidy(problem, Transpose(claim))))
    elif pattern:
        factor = _fraction(pattern)
        if factor:
            found.append((why, tidy(problem, Binary("*", Num(1 / factor), claim))))
    if derived is not None:
        # A matrix declared with a structure is symmetric by declaration: the slip, if
        # any, is another one (the derived form is still named beside the claim).
        structured = {d.name for d in (*problem.wrt, *problem.params) if d.structure}
        for name in (n for n in _symmetrised(derived.tree, claim) if n not in structured):
            found.append((_("the claim takes {name} to be symmetric, which :vars: does not "
                            "declare").format(name=name), derived.tree))
            break
    return found


def _symmetrised(derived: Expr, claim: Expr) -> list[str]:
    """The names ``M`` that the derived form has as ``M + M.T`` and the claim has only
    as ``M``: the symmetric part the claim leaves out."""
    names = []
    in_claim = list(walk(claim))
    for node in walk(derived):
        match node:
            case Binary(op="+", left=Name(id=name), right=Transpose(operand=Name(id=other))) \
                    if name == other and Name(name) in in_claim \
                    and Transpose(Name(name)) not in in_claim:
                names.append(name)
    return names


def _fraction(text: str) -> Fraction | None:
    """The factor a pattern names (``1/2``, ``0.707107``), if it is a nonzero number."""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value or None

"""The index-free form of a directive's derivative: derived once, then checked as a claim.

:func:`index_free` asks the engine of :mod:`...calculus.indexfree` for the derivative of
a directive's function as the author would write it (``x.T @ (A + A.T)``), once per
directive (the form does not depend on the sizes). Nothing the engine returns is
trusted: :func:`as_claim` turns the form into a claim of the same directive, which the
pipeline verifies at every instantiated size with the same comparison and the same
points as an author's ``:expect:``, before any page shows it.

A chain rule's result is the derivative of its composition: :func:`composite` states it
as a directive of its own (the last definition by ``:wrt:``, the definitions below it
names the form may reuse), and the form is then verified as the chain rule's claim.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..calculus.indexfree import derive, to_text
from ..calculus.indexfree.algebra import Algebra
from ..calculus.indexfree.derive import inline
from ..calculus.indexfree.shape import Shapes, Unsupported
from ..calculus.indexfree.simplify import simplify
from ..errors import VcrError
from ..language.lets import Let
from ..language.problem import Problem
from ..language.syntax import Expr

#: The kinds whose derivative the engine reads off (a chain rule's factors and a
#: derivation's steps are other questions); a Hessian as the Jacobian of the gradient.
KINDS = ("derivative", "gradient", "jacobian", "hessian")
#: What the engine may fail with on a tree it does not cover: no form, not an error.
_NO_FORM = (Unsupported, VcrError, RecursionError, ZeroDivisionError, ValueError,
            TypeError, KeyError)


@dataclass(frozen=True)
class Derived:
    """An index-free derivative: its tree, and its text in the author's syntax."""

    tree: Expr
    text: str


def index_free(problem: Problem) -> Derived | None:
    """The engine's index-free derivative of ``problem``'s function, unverified, or
    ``None`` where the engine has no form or the directive is not one it covers."""
    if not covered(problem):
        return None
    if problem.kind == "chain-rule":
        problem = composite(problem)  # type: ignore[assignment]  # covered: not None
    definitions = _definitions(problem)
    try:
        tree = _hessian(problem, definitions) if problem.kind == "hessian" else derive(
            problem.output.expr, problem.wrt, problem.params, problem.layout, definitions,
            reuse_names=True, region=problem.where)
        return None if tree is None else Derived(tree, to_text(tree))
    except MemoryError:
        raise
    except Exception:  # an engine bug means no form, never a failed directive
        return None


def _hessian(problem: Problem, definitions: dict[str, Expr]) -> Expr | None:
    """The Jacobian of the gradient (a column): symmetric, so either layout."""
    if len(problem.wrt) != 1:
        return None
    gradient = derive(problem.output.expr, problem.wrt, problem.params, "denominator",
                      definitions, region=problem.where)
    if gradient is None:
        return None
    return derive(gradient, problem.wrt, problem.params, "numerator", definitions,
                  reuse_names=True, region=problem.where)


def as_claim(problem: Problem, tree: Expr) -> Problem:
    """``problem`` with ``tree`` as its claim (and no mistake to confirm): the form the
    pipeline verifies exactly like an author's ``:expect:``."""
    return dataclasses.replace(problem, expect=tree, expect_text=to_text(tree),
                               mistake=False, correct=None, reason="")


def tidy(problem: Problem, tree: Expr) -> Expr:
    """``tree`` (a claim, or a correction of one) simplified by the engine's rules, as a
    person writes it (``(x.T @ A).T`` is ``A.T @ x``); the tree itself where the rules do
    not apply. For display only: whatever it returns is verified before it is shown."""
    try:
        return simplify(tree, Algebra(shapes_of(problem)))
    except _NO_FORM:
        return tree


def shapes_of(problem: Problem) -> Shapes:
    """The engine's shapes of every name of ``problem``: the declarations, then each
    ``:let:`` and earlier definition (whose shapes the engine infers)."""
    env = Shapes([*problem.wrt, *problem.params])
    definitions = _definitions(problem)
    for name, expr in definitions.items():
        env.declare(name, env.of(inline(expr, definitions, env)))
    return env


def composite(problem: Problem) -> Problem | None:
    """A chain rule's composition as a directive of its own: its last definition by
    ``:wrt:``, the definitions below it lets (the derivative is total, as the chain
    rule's result is); ``None`` where the output's shape cannot be inferred or is a
    row. Its form is only ever shown once verified as the chain rule's own claim."""
    *below, output = problem.definitions
    lets = (*problem.lets, *(Let(d.name, d.expr, d.text) for d in below))
    whole = dataclasses.replace(problem, kind="gradient", definitions=(output,), lets=lets,
                                expect=None, expect_text="", mistake=False, correct=None,
                                correct_text="", reason="")
    try:
        env = shapes_of(whole)
        shape = env.of(inline(output.expr, {}, env))
    except _NO_FORM:
        return None
    if not shape:
        scalar_by_scalar = len(problem.wrt) == 1 and not problem.wrt[0].dims
        return dataclasses.replace(whole, kind="derivative") if scalar_by_scalar else whole
    return dataclasses.replace(whole, kind="jacobian")


def covered(problem: Problem) -> bool:
    """Whether the engine can be asked at all: one function of declared variables,
    without abstract functions, indices or steps (its rules know none of them); a
    chain rule by its :func:`composite`."""
    if problem.kind == "chain-rule":
        whole = composite(problem) if _plain(problem) else None
        return whole is not None and covered(whole)
    # A Jacobian of several ``name = expr`` lines stacks them all: not one tree; nor is
    # a Hessian by several variables (blocks of second derivatives).
    return _plain(problem) and not (problem.kind == "jacobian"
                                    and len(problem.definitions) > 1) \
        and not (problem.kind == "hessian" and len(problem.wrt) > 1)


def _plain(problem: Problem) -> bool:
    """Whether the directive uses none of what the engine's rules do not know."""
    if problem.kind not in (*KINDS, "chain-rule") or problem.functions or problem.steps:
        return False
    return not (problem.indices.ranges or problem.components)


def _definitions(problem: Problem) -> dict[str, Expr]:
    """The names a form may reuse: the lets, then the definitions before the output."""
    names = {let.name: let.expr for let in problem.lets}
    names.update((d.name, d.expr) for d in problem.definitions[:-1])
    return names

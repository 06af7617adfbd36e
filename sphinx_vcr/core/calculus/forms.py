"""The forms of a derivation at one case: each step and the form before it.

A step is compared with the form before it under the step's own assumptions (``assume
f(t) = t`` lines above it), with the ``:where:`` region read under them too. A form
also records where it has a value: every ``diff()`` in it differentiates something
that must have a value there (:class:`Form`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy

from ..errors import DomainError
from ..language.derivation import Assumption, Step
from ..language.problem import Problem
from ..language.syntax import Expr
from ..words import _
from . import shapes
from .evaluate import Context, Value, evaluate
from .functions import Model
from .instance import Instance, region


@dataclass
class Form:
    """One form of the chain at one case: its value, and what must have a value where it
    has one (see :attr:`.evaluate.Context.domain`): the derivative of log(x) is 1/x, but
    only where log(x) has a value, and sqrt(x)**2 is x only where x >= 0."""

    value: Value
    domain: list[sympy.Expr]
    #: The step's text of each note of ``domain`` (:attr:`.evaluate.Context.quotes`).
    quotes: dict[sympy.Basic, Expr] = field(default_factory=dict)


#: A step, the form it is compared with, and the region, under the step's assumptions.
Forms = tuple[Form, Form, list[sympy.Basic]]


class FormTable:
    """The forms of a derivation at one instance, each evaluated once per set of
    assumptions it is read under, with every derivative their ``diff()`` calls took."""

    def __init__(self, problem: Problem, instance: Instance) -> None:
        self.problem, self.instance = problem, instance
        self.contexts: dict[tuple[Assumption, ...], Context] = {}
        self.regions: dict[tuple[Assumption, ...], list[sympy.Basic]] = {}
        self.forms: dict[tuple[int, tuple[Assumption, ...]], Form] = {}
        self.derivatives: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr] = {}

    def pair(self, before: int, k: int) -> Forms:
        """Step ``k`` and form ``before``, under step ``k``'s assumptions."""
        assumptions = self.problem.steps[k].assumptions
        if assumptions not in self.contexts:
            self.contexts[assumptions] = _assuming(self.instance, assumptions)
            # :where: f(x) > 0 means the assumed f where one is assumed.
            self.regions[assumptions] = _region(self.problem, self.instance,
                                                self.contexts[assumptions])
        return (self.form(before, assumptions), self.form(k, assumptions),
                self.regions[assumptions])

    def form(self, k: int, assumptions: tuple[Assumption, ...]) -> Form:
        if (k, assumptions) not in self.forms:
            context = replace(self.contexts[assumptions], derivatives={}, domain=[],
                              quotes={})
            value = _form(self.instance, self.problem.steps[k], context)
            self.derivatives.update(context.derivatives)
            self.forms[k, assumptions] = Form(value, list(dict.fromkeys(context.domain)),
                                              context.quotes)
        return self.forms[k, assumptions]

    def evaluate(self, expr: Expr, k: int) -> Value:
        """``expr`` (a ``:correct:`` form) read as step ``k`` is, under its assumptions."""
        self.pair(k - 1, k)  # makes the context of step k's assumptions
        scope = self.instance.scope()
        scope.context = replace(self.contexts[self.problem.steps[k].assumptions],
                                derivatives={}, domain=[], quotes={})
        return evaluate(expr, scope)

    def consecutive(self) -> list[Forms]:
        """Each step and the form right before it."""
        return [self.pair(k - 1, k) for k in range(1, len(self.problem.steps))]


def _region(problem: Problem, instance: Instance, context: Context) -> list[sympy.Basic]:
    scope = instance.scope()
    scope.context = context
    return region(problem, scope)


def _assuming(instance: Instance, assumptions: tuple[Assumption, ...]) -> Context:
    """The context of ``instance`` with each assumed function given its body."""
    functions = dict(instance.context.functions)
    for assumption in assumptions:
        params = tuple(sympy.Dummy(p, real=True) for p in assumption.params)
        values = dict(instance.scope_values)
        values.update({p: Value((), d) for p, d in zip(assumption.params, params)})
        scope = instance.scope(values, assumption.line)
        # With the assumptions made before this one (assume g first, then f = g(t)**2).
        scope.context = replace(instance.context, functions=dict(functions))
        body = evaluate(assumption.body, scope)
        if not body.is_scalar:
            raise DomainError(_("assume {name}(...) = ...: an abstract function is scalar, "
                                "but this body is {shape}").format(
                name=assumption.name, shape=shapes.describe(body.shape)),
                line=assumption.line)
        functions[assumption.name] = Model(params, body.data)
    return replace(instance.context, functions=functions, derivatives={})


def _form(instance: Instance, step: Step, context: Context) -> Value:
    scope = instance.scope(line=step.line)
    scope.context = context
    return evaluate(step.expr, scope)


def entries_of(value: Value) -> list[sympy.Expr]:
    """The entries of a scalar or an array, in order."""
    return [value.data] if value.is_scalar else list(value.data)

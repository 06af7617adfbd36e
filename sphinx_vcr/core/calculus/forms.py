"""The forms of a derivation at one case: each step and the form before it.

A step is compared with the form before it under the step's own assumptions (``assume
f(t) = t`` lines above it), with the ``:where:`` region read under them too. A form
also records where it has a value: every ``diff()`` in it differentiates something
that must have a value there (:class:`Form`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import sympy

from ..errors import DomainError
from ..language.derivation import Assumption, Step
from ..language.problem import Problem
from ..words import _
from . import shapes
from .evaluate import Context, Value, evaluate
from .functions import Model
from .instance import Instance, region


@dataclass
class Form:
    """One form of the chain at one case: its value, and where it has one: every
    ``diff()`` in it differentiates something, which needs a value there too (the
    derivative of log(x) is 1/x, but only where log(x) has a value)."""

    value: Value
    domain: list[sympy.Expr]


#: A step and the form before it, under the step's assumptions, and its region.
Forms = tuple[Form, Form, list[sympy.Basic]]


def evaluate_pairs(problem: Problem, instance: Instance
                   ) -> tuple[list[Forms], dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr]]:
    """Each step and the one before it, evaluated under the step's assumptions, and
    every derivative that their ``diff()`` calls took."""
    contexts: dict[tuple[Assumption, ...], Context] = {}
    regions: dict[tuple[Assumption, ...], list[sympy.Basic]] = {}
    forms: dict[tuple[int, tuple[Assumption, ...]], Form] = {}
    derivatives: dict[tuple[sympy.Expr, sympy.Symbol], sympy.Expr] = {}

    def form(k: int, assumptions: tuple[Assumption, ...]) -> Form:
        if (k, assumptions) not in forms:
            context = replace(contexts[assumptions], derivatives={})
            value = _form(instance, problem.steps[k], context)
            derivatives.update(context.derivatives)
            forms[k, assumptions] = Form(value, list(dict.fromkeys(
                entry for entry, _s in context.derivatives)))
        return forms[k, assumptions]

    pairs = []
    for k in range(1, len(problem.steps)):
        assumptions = problem.steps[k].assumptions
        if assumptions not in contexts:
            contexts[assumptions] = _assuming(instance, assumptions)
            # :where: f(x) > 0 means the assumed f where one is assumed.
            regions[assumptions] = _region(problem, instance, contexts[assumptions])
        pairs.append((form(k - 1, assumptions), form(k, assumptions), regions[assumptions]))
    return pairs, derivatives


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

"""A problem evaluated on a chosen backend at one assignment of its sizes.

The pipeline instantiates problems in SymPy (:mod:`..calculus.instance`); this is the
same evaluation (the declared variables, ``:let:``, the definitions composed, the
``:where:`` conditions) on any :class:`~.backend.Backend`, with the derivative taken by
the backend's own ``diff``: what the fast path will run, and what
``tests/core/test_fast_path.py`` compares with SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..calculus.evaluate import Scope, Value, condition_entries, evaluate
from ..calculus.instance import Case, context, declared, vec_entries
from ..language.problem import Problem
from .backend import Backend, Unsupported


@dataclass
class Evaluated:
    """The output of a problem, its ``:wrt:`` symbols and conditions, on one backend."""

    output: Value | None
    wrt: list[Any]
    conditions: list[Any]
    backend: Backend
    #: A derivation's forms, in order (their ``diff()`` taken by the backend).
    steps: list[Value]

    def jacobian(self, resolve: bool = True) -> list[list[Any]]:
        """Numerator layout, d vec(output) / d wrt, one row per output entry; with
        ``resolve``, kinks fixed by the strict conditions are resolved first."""
        backend = self.backend
        outputs = [] if self.output is None else vec_entries(self.output)
        if resolve and self.conditions:
            outputs = [backend.resolve(e, self.conditions) for e in outputs]
        return [[backend.diff(e, s) for s in self.wrt] for e in outputs]


def evaluate_on(backend: Backend, problem: Problem, case: Case | dict[str, int]
                ) -> Evaluated:
    """``problem`` at ``case`` (or at sizes) in ``backend``'s objects (raises
    :class:`~.backend.Unsupported` where the backend has no such function)."""
    case = case if isinstance(case, Case) else Case(case)
    sizes = case.sizes
    values, wrt_symbols, _params = declared(problem, case)
    values = {name: _converted(backend, v) for name, v in values.items()}
    wrt = [backend.from_sympy(s) for s in wrt_symbols]
    where = replace(context(problem, case), backend=backend, derivatives={}, domain=[],
                    quotes={})
    for let in problem.lets:
        values[let.name] = evaluate(let.expr, Scope(values, sizes, None, where))
    if any(step.assumptions for step in problem.steps):
        raise Unsupported("assumed functions are not on the fast path yet")
    output = None
    for definition in problem.definitions:
        output = evaluate(definition.expr, Scope(values, sizes, definition.line, where))
        values[definition.name] = output
    steps = [evaluate(step.expr, Scope(dict(values), sizes, step.line, where))
             for step in problem.steps]
    scope = Scope(values, sizes, None, where)
    conditions = [entry for condition in problem.where
                  for entry in condition_entries(evaluate(condition, scope))
                  if entry is not backend.true]
    return Evaluated(output, wrt, conditions, backend, steps)


def _converted(backend: Backend, value: Value) -> Value:
    return Value(value.shape, backend.from_sympy(value.data))

"""Kinks fixed by ``:where:``: which differences the strict conditions make positive.

``relu(W @ x + b)`` under ``:where: W @ x + b > 0`` is ``W @ x + b`` on the whole region
the claim is about, so its derivative there is exact without a step function. Only
strict conditions resolve a kink: under ``u >= 0`` the region includes the kink u = 0,
where the language's relu'(0) = 0 differs from the resolved branch's 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any


def positive_facts(backend: Any, conditions: Sequence[Any]) -> set[Any]:
    """``larger - smaller`` (expanded) for every strict relation among ``conditions``
    (conjunctions are taken apart)."""
    facts = set()
    pending = list(conditions)
    while pending:
        condition = pending.pop()
        parts = backend.conjuncts(condition)
        if len(parts) > 1:
            pending.extend(parts)
            continue
        sides = backend.strict_sides(condition)
        if sides is not None:
            smaller, larger = sides
            facts.add(backend.expand(larger - smaller))
    return facts


def resolve_kinks(backend: Any, expr: Any, conditions: Sequence[Any],
                  kinks: Callable[[Any], Iterable[Any]],
                  resolved: Callable[[Any, set[Any], Sequence[Any]], Any],
                  substitute: Callable[[Any, dict[Any, Any]], Any]) -> Any:
    """``expr`` with every kink node (``kinks(expr)``) whose side the strict
    ``conditions`` fix replaced by that side (``resolved`` says which, or None), in a
    backend's own node types and substitution."""
    facts = positive_facts(backend, conditions)
    if not facts:
        return expr
    for _round in range(8):  # nested kinks resolve from the inside out
        replace = {n: r for n in kinks(expr)
                   if (r := resolved(n, facts, conditions)) is not None}
        if not replace:
            break
        expr = substitute(expr, replace)
    return expr

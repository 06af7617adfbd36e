"""Walks of SymPy trees that visit each distinct node once.

The entries of an inverse share one determinant, and the trees of a Cookbook identity
at n = 3 are hundreds of times larger than their graphs: SymPy's own walks
(``preorder_traversal``, ``xreplace``, ``count_ops``) visit every copy, for seconds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence

import sympy


def distinct_nodes(expr: sympy.Basic) -> Iterator[sympy.Basic]:
    """Every distinct node of ``expr``, each once, parents before their arguments."""
    return distinct_nodes_of([expr])


def tree_size(exprs: Sequence[sympy.Basic]) -> tuple[int, int]:
    """The number of nodes of the trees of ``exprs``, and of their distinct nodes (the
    graph: what a tree walk computes again and again is the difference)."""
    sizes: dict[sympy.Basic, int] = {}
    pending: list[tuple[sympy.Basic, bool]] = [(e, False) for e in exprs]
    while pending:
        node, ready = pending.pop()
        if node in sizes:
            continue
        if ready:
            sizes[node] = 1 + sum(sizes[a] for a in node.args)
            continue
        pending.append((node, True))
        pending.extend((a, False) for a in node.args if a not in sizes)
    return sum(sizes[e] for e in exprs), len(sizes)


def replaced(expr: sympy.Basic, memo: dict[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """``expr.xreplace(rule)`` with each distinct node rebuilt once. ``memo`` starts as
    the rule (a copy: it grows with every node seen) and may be shared between calls,
    for the entries of one matrix."""
    pending: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while pending:
        node, ready = pending.pop()
        if node in memo:
            continue
        if not node.args:
            memo[node] = node
        elif not ready:
            pending.append((node, True))
            pending.extend((a, False) for a in node.args if a not in memo)
        else:
            args = [memo[a] for a in node.args]
            changed = any(new is not old for new, old in zip(args, node.args))
            memo[node] = node.func(*args) if changed else node
    return memo[expr]


def free_symbols(exprs: Iterable[sympy.Basic]) -> set[sympy.Basic]:
    """The free symbols of all of ``exprs``, each distinct node looked at once (SymPy's
    ``free_symbols`` unites its arguments' again at every copy of a node: a second
    for the entries of an inverse at n = 3). A node with rules of its own (a
    ``Subs`` or ``Derivative`` binds symbols) is asked for its own."""
    found: set[sympy.Basic] = set()
    for node in distinct_nodes_of(exprs, stop=_binds):
        if node.is_Symbol:
            found.add(node)
        elif _binds(node):
            found |= node.free_symbols
    return found


def _binds(node: sympy.Basic) -> bool:
    return not node.is_Symbol and _own_free_symbols(type(node))


@functools.cache
def _own_free_symbols(kind: type) -> bool:
    owner = next(k for k in kind.__mro__ if "free_symbols" in k.__dict__)
    return owner is not sympy.Basic


def has_any(exprs: Iterable[sympy.Basic], kinds: tuple[type, ...]) -> bool:
    """Whether a node of one of ``kinds`` is in any of ``exprs`` (SymPy's ``has``
    walks every copy of a shared node)."""
    return any(isinstance(node, kinds) for node in distinct_nodes_of(exprs))


def distinct_nodes_of(exprs: Iterable[sympy.Basic],
                      stop: Callable[[sympy.Basic], bool] | None = None
                      ) -> Iterator[sympy.Basic]:
    """Every distinct node of all of ``exprs``, each once; the arguments of a node
    for which ``stop`` is true are not visited."""
    seen: set[sympy.Basic] = set()
    pending = list(exprs)
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        if stop is None or not stop(node):
            pending.extend(node.args)

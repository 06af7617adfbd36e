"""``:let: p = softmax(z), r = X @ w - y``: names for sub-expressions.

A let is a name for its expression wherever it is used (the body, the claim, ``:where:``,
a derivation's steps, later lets): it is evaluated once per instance, in the declared
variables and the lets before it, and the page shows the name, with its definition
stated once under the math. Every let must be used: an unused one is almost always a
misspelt name, which would otherwise become a parameter of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import ParseError
from ..words import _
from .parse import check_ascii, check_name, is_definition, parse_expression
from .syntax import Expr, names_in


@dataclass(frozen=True)
class Let:
    """One ``name = expr`` of ``:let:``."""

    name: str
    expr: Expr
    text: str


def parse_lets(text: str, functions: frozenset[str] = frozenset()) -> tuple[Let, ...]:
    """Parse ``:let:``: ``name = expr`` entries separated by commas (outside brackets)."""
    if not text.strip():
        raise ParseError(_(":let: is empty; name sub-expressions as :let: p = softmax(z), "
                           "or leave the option out"), option="let")
    lets: list[Let] = []
    for part in _split(text):
        name, equals, expr = part.partition("=")
        if not equals or not is_definition(part):
            try:
                check_ascii(part)  # a fullwidth name fails the pattern: say which letter
            except ParseError as error:
                error.option = "let"
                raise
            raise ParseError(_("each entry of :let: is 'name = expression', not {text!r}")
                             .format(text=part.strip()), option="let")
        name = check_name(name.strip(), None)
        if any(let.name == name for let in lets):
            raise ParseError(_("{name!r} is defined twice in :let:").format(name=name),
                             option="let")
        lets.append(Let(name, parse_expression(expr, functions=functions), part.strip()))
    for index, let in enumerate(lets):
        later = {other.name for other in lets[index:]}
        used = sorted(names_in(let.expr) & later)
        if used:
            raise ParseError(_("the let {name} uses {other}, which is defined at or after "
                               "it: a let may use only the variables and the lets before "
                               "it").format(name=let.name, other=used[0]), option="let")
    return tuple(lets)


def _split(text: str) -> list[str]:
    """``text`` split at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    parts.append(text[start:])
    return parts


def check_lets(lets: tuple[Let, ...], declared: set[str], defined: set[str],
               uses: Iterable[Expr]) -> None:
    """A let's name must be new (no variable, size or definition of the body), it may
    not use a definition of the body (lets are evaluated before it), and it must be
    used somewhere (``uses``: every other expression of the directive)."""
    for let in lets:
        if let.name in declared:
            raise ParseError(_("the let {name!r} is also declared in :wrt: or :vars: (or "
                               "is a size): give it another name").format(name=let.name),
                             option="let")
        if let.name in defined:
            raise ParseError(_("the let {name!r} is also defined in the body: give it "
                               "another name").format(name=let.name), option="let")
        body = sorted(names_in(let.expr) & defined)
        if body:
            raise ParseError(_("the let {name} uses {other}, a definition of the body; a "
                               "let may use only the variables and earlier lets")
                             .format(name=let.name, other=body[0]), option="let")
    used = set().union(*(names_in(tree) for tree in uses),
                       *(names_in(let.expr) for let in lets))
    unused = [let.name for let in lets if let.name not in used]
    if unused:
        raise ParseError(_("the let {name} is never used: use it in the body, the claim "
                           "or :where:, or remove it").format(name=unused[0]),
                         option="let")

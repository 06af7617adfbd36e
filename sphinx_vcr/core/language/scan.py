"""Find sphinx-vcr directives in reStructuredText source, without docutils.

Used to verify a parallel build's directives ahead of reading (see
:func:`.verify.prefetch`). It splits each directive block with the very function the
directive itself uses (:func:`.block.split_rst`, docutils' rules for an argument, an
option field list and content), so that what it finds has the same text, and therefore
the same key, as what the directive checks when the page is read.
Where it differs (a directive produced by an include, an unusual layout), nothing is
wrong: the page's directive simply finds no outcome ready and is computed as usual.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .block import BlockError, split_rst

KINDS = ("derivative", "gradient", "jacobian", "chain-rule")
# A directive may open a list item ("- .. derivative:: ..." in a list-table).
_DIRECTIVE = re.compile(r"^(?P<lead>\s*(?:[-*+] +|#\. +|\d+\. +)?)\.\. +"
                        rf"(?P<kind>{'|'.join(KINDS)}) ?::(?: +|$)(?P<rest>.*)$")


class Found(NamedTuple):
    """A directive's text, as its ``run()`` sees it."""

    kind: str
    argument: str
    content: list[str]
    options: dict[str, str | None]


class Block(NamedTuple):
    """Where a directive is: lines ``start`` (its ``..`` line) to ``end`` (exclusive),
    and what precedes its ``..`` on the first line (indentation, a list bullet)."""

    start: int
    end: int
    lead: str
    found: Found


def directives(text: str) -> list[Found]:
    """Every sphinx-vcr directive of a reStructuredText document, in order."""
    return [block.found for block in blocks(text)]


def blocks(text: str) -> list[Block]:
    """Every sphinx-vcr directive of a reStructuredText document, with its place."""
    lines = [line.rstrip() for line in text.expandtabs(8).splitlines()]
    found = []
    index = 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        index += 1
        if not match:
            continue
        column = len(match.group("lead"))
        start = index
        while index < len(lines) and (not lines[index] or _indent(lines[index]) > column):
            index += 1
        directive = _directive(match.group("kind"), match.group("rest"), lines[start:index])
        if directive is not None:
            found.append(Block(start - 1, index, match.group("lead"), directive))
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _directive(kind: str, first: str, lines: list[str]) -> Found | None:
    """What the directive's ``run()`` checks, split by the directive's own rules
    (:func:`.block.split_rst`); None for a malformed block, which the directive
    reports as an error when its page is read, with nothing to compute ahead."""
    try:
        parts = split_rst(first, lines)
    except BlockError:
        return None
    options = {name: value for name, value in parts.options.items() if name != "name"}
    return Found(kind, parts.argument, parts.content, options)

"""Find sphinx-vcr directives in reStructuredText source, without docutils.

Used to verify a parallel build's directives ahead of reading (see
:func:`.verify.prefetch`). It follows docutils' own rules for a directive block (its
argument, its option field list and its content), so that what it finds has the same
text, and therefore the same key, as what the directive receives when the page is read.
Where it differs (a directive produced by an include, an unusual layout), nothing is
wrong: the page's directive simply finds no outcome ready and is computed as usual.
"""

from __future__ import annotations

import re
from typing import NamedTuple

KINDS = ("derivative", "gradient", "jacobian", "chain-rule")
# A directive may open a list item ("- .. derivative:: ..." in a list-table).
_DIRECTIVE = re.compile(r"^(?P<lead>\s*(?:[-*+] +|#\. +|\d+\. +)?)\.\. +"
                        rf"(?P<kind>{'|'.join(KINDS)}) ?::(?: +|$)(?P<rest>.*)$")
_FIELD = re.compile(r"^:(?P<name>[^:\s\\][^:\\]*?):(?: +|$)(?P<rest>.*)$")


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
        block = _dedent(lines[start:index])
        directive = _directive(match.group("kind"), [match.group("rest"), *block])
        if directive is not None:
            found.append(Block(start - 1, index, match.group("lead"), directive))
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _dedent(lines: list[str]) -> list[str]:
    depth = min((_indent(line) for line in lines if line), default=0)
    return [line[depth:] for line in lines]


def _directive(kind: str, block: list[str]) -> Found | None:
    """Split a block as docutils' ``parse_directive_block`` does (argument allowed,
    options allowed, content allowed)."""
    if block and not block[0].strip():
        block = block[1:]
    while block and not block[-1].strip():
        block.pop()
    head = next((i for i, line in enumerate(block) if not line.strip()), len(block))
    arguments, content = block[:head], block[head + 1:]
    first_option = next((i for i, line in enumerate(arguments) if _FIELD.match(line)),
                        len(arguments))
    options = _options(arguments[first_option:])
    if options is None:
        return None  # docutils rejects the option block: the directive errs when read
    options.pop("name", None)
    while content and not content[0].strip():
        content = content[1:]
    argument = "\n".join(arguments[:first_option]).lstrip()
    return Found(kind, argument, content, options)


def _options(lines: list[str]) -> dict[str, str] | None:
    """An option field list, as ``directives.unchanged`` values; None if malformed."""
    options: dict[str, str] = {}
    index = 0
    while index < len(lines):
        match = _FIELD.match(lines[index])
        if not match:
            return None
        index += 1
        start = index
        while index < len(lines) and _indent(lines[index]) > 0:
            index += 1
        body = [match.group("rest"), *_dedent(lines[start:index])]
        while body and not body[0]:
            body = body[1:]
        # ``directives.unchanged`` turns a missing value into "".
        options[match.group("name").lower()] = "\n".join(body)
    return options

"""Find sphinx-vcr directives in reStructuredText source, without docutils.

Used to verify a parallel build's directives ahead of reading (see
:func:`.verify.prefetch`). It splits each directive block with the very function the
directive itself uses (:func:`.block.split_rst`, docutils' rules for an argument, an
option field list and content), so that what it finds has the same text, and therefore
the same key, as what the directive checks when the page is read.
Where it differs (a directive produced by an include, an unusual layout), nothing is
wrong: the page's directive simply finds no outcome ready and is computed as usual.

:func:`suspects` is the lenient twin: every line that *looks* like one of our
directives (or like one of their options left outside the block), however docutils or
MyST would read it, so that one the parser never ran can be reported (see
``extension/nearmiss.py``) instead of vanishing uncounted.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .block import LOOKALIKES, NAMES, BlockError, check_steps, split_rst
from .problem import KINDS

# A directive may open a list item ("- .. derivative:: ..." in a list-table).
_DIRECTIVE = re.compile(r"^(?P<lead>\s*(?:[-*+] +|#\. +|\d+\. +)?)\.\. +"
                        rf"(?P<kind>{'|'.join(KINDS)}) ?::(?: +|$)(?P<rest>.*)$")
# Lenient: what an author may have meant as one of our directives. Any spacing (a
# no-break space, none at all), a byte-order mark or zero-width space before it, any
# case, "chain_rule", a colon look-alike, a MyST fence with or without braces.
_INVISIBLE = "\ufeff\u200b\u2060"
_LEAD = rf"^(?P<lead>[\s{_INVISIBLE}>]*(?:(?:[-*+•]|#\.|\d+[.)])\s+)?)"
# Every kind, its hyphen also written as "_", " " or nothing (see _kind).
_NAME = "(?P<kind>{})".format("|".join(kind.replace("-", "[-_ ]?") for kind in KINDS))
_COLON = f"[:{LOOKALIKES}]"
_LIKE_RST = re.compile(rf"{_LEAD}\.\.[\s{_INVISIBLE}]*{_NAME}\s*{_COLON}", re.IGNORECASE)
_LIKE_FENCE = re.compile(rf"{_LEAD}(?P<fence>`{{3,}}|~{{3,}}|:{{3,}})\s*\{{?\s*{_NAME}"
                         r"(?=[\s}:]|$)", re.IGNORECASE)
# One of our options, as its line starts (colon look-alikes and stray spaces allowed).
_LIKE_OPTION = re.compile(rf"^{_COLON}\s*(?:{'|'.join(NAMES)})\s*{_COLON}", re.IGNORECASE)
# A step of a derivation ("= 3*x"); a line of "=" alone is a section's adornment.
_LIKE_STEP = re.compile(r"^=(?!=)\s*\S")


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
        check_steps(kind, parts)
    except BlockError:
        return None
    options = {name: value for name, value in parts.options.items() if name != "name"}
    return Found(kind, parts.argument, parts.content, options)


class Suspect(NamedTuple):
    """A line (1-based) that looks like a directive of ours (``stray`` False), or like
    one of its options, or a step of a derivation (``step`` True), right after its
    block, outside it (``stray`` True)."""

    line: int
    kind: str
    stray: bool
    step: bool = False


def suspects(text: str, markdown: bool) -> list[Suspect]:
    """Every line of a document that looks like one of our directives, well-formed or
    not, and every option of ours (or step of a derivation) that follows a directive's
    block outside it. MyST fences are looked for only in a Markdown document
    (``markdown``)."""
    lines = [line.rstrip() for line in text.expandtabs(8).splitlines()]
    found = []
    for index, line in enumerate(lines):
        match = _LIKE_RST.match(line) or (markdown and _LIKE_FENCE.match(line))
        if not match:
            continue
        kind = _kind(match["kind"])
        found.append(Suspect(index + 1, kind, False))
        after = _after_block(lines, index, match)
        column = len(match["lead"])
        if after >= len(lines) or _indent(lines[after]) > column:
            continue
        # A step indented less than the block ends it: docutils reads it as a paragraph
        # (a warning of its own, uncounted) and the step is never checked.
        step = kind == "derivation" and bool(_LIKE_STEP.match(lines[after].strip()))
        if step or _LIKE_OPTION.match(lines[after].strip()):
            found.append(Suspect(after + 1, kind, True, step))
    return found


def _kind(written: str) -> str:
    """The kind an author meant by ``written`` (``Chain_Rule`` is ``chain-rule``)."""
    bare = re.sub("[-_ ]", "", written.lower())
    return next(kind for kind in KINDS if kind.replace("-", "") == bare)


def _after_block(lines: list[str], index: int, match: re.Match[str]) -> int:
    """The first non-blank line after the block that opens at ``lines[index]``: past
    its closing fence (MyST), or past its indented lines (reStructuredText)."""
    fence = match.groupdict().get("fence")
    after = index + 1
    if fence:
        closing = re.compile(rf"^[\s>]*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        after = next((n + 1 for n in range(after, len(lines)) if closing.match(lines[n])),
                     len(lines))
    else:
        column = len(match["lead"])
        while after < len(lines) and (not lines[after] or _indent(lines[after]) > column):
            after += 1
    while after < len(lines) and not lines[after]:
        after += 1
    return after

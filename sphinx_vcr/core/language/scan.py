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

:func:`file_fields` finds a page's file-wide fields (its docinfo, or a MyST page's
front matter), so that a field such as ``:vcr-language:`` is known before the page is
parsed: to the ``-j`` prefetch, and to the directives, which docutils runs before it
turns the field list into the docinfo.
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


class Field(NamedTuple):
    """A file-wide field: its name and value as written (stripped), its line (1-based)."""

    name: str
    value: str
    line: int


# A field marker at column 0: ":name: value" (a name of one character at least; a
# colon inside it would be escaped, and no field of ours has one).
_FIELD = re.compile(r"^:(?P<name>[^:\s][^:]*?):(?:[ \t]+(?P<value>.*))?$")
# What may precede the docinfo (docutils' PreBibliographic nodes): a comment, a target,
# a substitution definition, and the meta and raw directives. Any other directive, or
# a footnote or citation, ends the search.
_DIRECTIVE_NAME = re.compile(r"^\.\.[ \t]+(?P<name>[\w:+.-]+)[ \t]?::")
_BEFORE_DOCINFO = ("meta", "raw")
_TARGET = re.compile(r"^\.\.[ \t]+_")
_TOP_KEY = re.compile(r"^(?P<quote>[\"']?)(?P<name>[^\s#:\"'][^:\"']*?)(?P=quote):"
                      r"(?:[ \t]+(?P<value>.*))?$")
# A quoted scalar, and what may follow it (a comment).
_QUOTED = re.compile(r"^(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')[ \t]*(?:#.*)?$")
_COMMENT_START = re.compile(r"[ \t]#")


def file_fields(text: str, markdown: bool) -> list[Field]:
    """The file-wide fields of a page, as docutils or MyST reads them: in
    reStructuredText the field list that becomes the docinfo (the page's first element,
    before its title, with only comments, targets, substitution definitions, ``meta``
    or ``raw`` before it); in MyST (``markdown``) the top-level keys of the YAML front
    matter. Only plain values are read (a quoted or unquoted scalar on the key's line);
    what the parser makes of anything else may differ, which the Sphinx layer checks."""
    lines = [line.rstrip() for line in text.expandtabs(8).splitlines()]
    return _front_matter(lines) if markdown else _docinfo(lines)


def _docinfo(lines: list[str]) -> list[Field]:
    index = _skip_blank(lines, 0)
    while index < len(lines) and _before_docinfo(lines[index]):
        index = _skip_blank(lines, _explicit_end(lines, index))
    fields = []
    while index < len(lines) and (match := _FIELD.match(lines[index])):
        start = index
        index = _skip_indented(lines, index + 1)
        # A field's body goes on in the indented lines below it.
        value = " ".join([match["value"] or "", *(line.strip() for line in
                                                    lines[start + 1:index])]).strip()
        fields.append(Field(match["name"], value, start + 1))
        index = _skip_blank(lines, index)  # fields may be separated by blank lines
    return fields


def _before_docinfo(line: str) -> bool:
    """Whether an explicit markup block starting at ``line`` may precede the docinfo."""
    if line != ".." and not line.startswith((".. ", "..\t")):
        return False
    directive = _DIRECTIVE_NAME.match(line)
    if directive:
        return directive["name"].lower() in _BEFORE_DOCINFO
    body = line[2:].lstrip()
    return not body.startswith("[")  # a footnote or citation is a body element


def _explicit_end(lines: list[str], index: int) -> int:
    """The index after the explicit markup block that starts at ``lines[index]``.

    A target ends at the first blank line, and an empty comment (``..`` and then a
    blank line) at its own line: docutils reads an indented block after either as a
    block quote, a body element, and then there is no docinfo. A comment or a directive
    goes on past blank lines while lines are indented.
    """
    if lines[index] == ".." and lines[index + 1:index + 2] in ([], [""]):
        return index + 1  # an empty comment
    if not _TARGET.match(lines[index]):
        return _skip_indented(lines, index + 1)
    index += 1
    while index < len(lines) and lines[index] and _indent(lines[index]) > 0:
        index += 1
    return index


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index]:
        index += 1
    return index


def _skip_indented(lines: list[str], index: int) -> int:
    """The index after the indented (or blank) lines from ``index`` on, blank lines
    at their end excluded."""
    end = index
    while index < len(lines) and (not lines[index] or _indent(lines[index]) > 0):
        index += 1
        if lines[index - 1]:
            end = index
    return end


def _front_matter(lines: list[str]) -> list[Field]:
    if not lines or lines[0] != "---":
        return []
    fields = []
    for index in range(1, len(lines)):
        if lines[index] in ("---", "..."):
            return fields
        match = _TOP_KEY.match(lines[index])
        if match:
            fields.append(Field(match["name"], _scalar(match["value"] or ""), index + 1))
    return []  # no closing line: not front matter


def _scalar(text: str) -> str:
    """A YAML scalar written on one line: quoted, or plain up to a comment (a ``#``
    after a space). Anything else is read as written; the Sphinx layer reports a value
    read differently from what MyST makes of it."""
    text = text.strip()
    quoted = _QUOTED.match(text)
    if quoted:
        return quoted["double"] if quoted["double"] is not None else quoted["single"]
    return _COMMENT_START.split(text, maxsplit=1)[0].strip()

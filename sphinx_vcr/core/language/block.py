"""Split a directive's block into argument, options and content; name what is malformed.

docutils drops a directive whose option block it cannot parse (a duplicated option, a
two-word name, ``:expect : 3*x``, a stray line) with an error of its own that is neither
counted nor fails the build, and MyST silently keeps the last of two equal options. So
sphinx-vcr's directives take their block raw and split it here: a well-formed block
exactly as docutils would (the same argument, option values and content, so outcomes
and cache keys do not change), and a malformed one into a :class:`BlockError` at the
line at fault, which the directive reports as its own counted error.

Lines are addressed by *row*: row 0 is the directive's own line (for MyST, the fence
line), row ``k`` the ``k``-th line below it, so a row plus the directive's line number
is the line in the file. The prefetch scanner (:mod:`.scan`) uses the same functions,
so it sees every directive as the directive itself does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import ParseError
from ..words import _
from .problem import OPTIONS

#: Characters that look like a colon (or are easily typed for one: semicolons, the
#: full-width colon of a Chinese keyboard). An option marker written with one of them
#: is neither an option nor a line docutils would read as one.
LOOKALIKES = "ː˸։;܃܄܅፥᠄⁚∶⦂ꓽ꞉︓︰﹕﹔：；"
#: The options a directive understands, ``:name:`` included.
NAMES = (*OPTIONS, "name")
# An option of ours written inside a line of text, such as "x**2 :wrt: x".
_EMBEDDED = re.compile(rf"(?<!\S):(?:{'|'.join(NAMES)}):(?!\S)", re.IGNORECASE)
# An option of ours without its leading colon, such as "expect: 3*x".
_BARE = re.compile(rf"^(?P<name>{'|'.join(NAMES)})\s*:(?:\s|$)", re.IGNORECASE)


class BlockError(ParseError):
    """A malformed directive block; ``row`` is the line at fault (0: the directive's)."""

    def __init__(self, message: str, row: int) -> None:
        super().__init__(message)
        self.row = row


@dataclass
class Parts:
    """A directive block, split: what the directive checks, and where each part is."""

    argument: str = ""
    #: The row of the argument's first line.
    argument_row: int = 0
    #: Option values as docutils' ``directives.unchanged`` gives them ("" for a flag),
    #: by lower-case name, ``name`` included.
    options: dict[str, str] = field(default_factory=dict)
    content: list[str] = field(default_factory=list)
    #: The row of each option's marker.
    rows: dict[str, int] = field(default_factory=dict)
    #: The row of ``content[0]``.
    content_row: int = 0
    #: The directive's line in its file (row 0), for messages that name another line.
    line: int = 0

    def add(self, name: str, value: str, row: int) -> None:
        """Record an option; a second one of the same name is an error at its row."""
        if name in self.options:
            raise BlockError(_(":{name}: is given twice, here and on line {line}; give each "
                               "option once").format(name=name,
                                                     line=self.line + self.rows[name]),
                             row)
        if name == "name" and not value:
            raise BlockError(_(":name: is empty: give the name of the reference target, "
                               "or leave the option out"), row)
        self.options[name] = value
        self.rows[name] = row


def looks_like_option(line: str) -> bool:
    """Whether ``line`` (indentation aside) starts like an option marker."""
    text = line.lstrip()
    return bool(text) and (text[0] == ":" or text[0] in LOOKALIKES)


def marker(text: str, row: int, opening: bool = True) -> tuple[str, str]:
    """``(name, rest)`` of an option line ``:name: rest`` (``name: rest`` in a MyST YAML
    block, ``opening=False``), the name in lower case; a :class:`BlockError` naming the
    problem if the line is not one."""
    shown = text.strip()
    if opening:
        if text[0] != ":":
            raise _lookalike(shown, text[0], row)
        text = text[1:]
    end = text.find(":")
    odd = next((c for c in text[:end if end >= 0 else None] if c in LOOKALIKES), None)
    if odd is not None:
        raise _lookalike(shown, odd, row)
    if end < 0:
        raise BlockError(_("{line!r} has no colon after the option name: write "
                           ":option: value").format(line=shown), row)
    name, rest = text[:end], text[end + 1:]
    if not name.strip():
        raise BlockError(_("{line!r} has no option name: write :option: value")
                         .format(line=shown), row)
    if len(name.split()) > 1:
        raise BlockError(_("{name!r} is not an option name: names are one word, such as "
                           ":expect:; the options are {options}")
                         .format(name=name.strip(), options=_known()), row)
    written = f":{name}:" if opening else f"{name}:"
    fixed = written.replace(name, name.strip())
    if name != name.lstrip():
        raise BlockError(_("space after the opening colon in {marker!r}: write {fixed!r}")
                         .format(marker=written, fixed=fixed), row)
    if name != name.rstrip():
        raise BlockError(_("space before the colon in {marker!r}: write {fixed!r}")
                         .format(marker=written, fixed=fixed), row)
    if rest and not rest[0].isspace():
        raise BlockError(_("no space after {marker!r}: write {fixed!r}")
                         .format(marker=written, fixed=f"{written} {rest.strip()}"), row)
    return name.lower(), rest.strip()


def _lookalike(line: str, char: str, row: int) -> BlockError:
    return BlockError(_("{line!r} is written with {char!r} ({what}) instead of the colon "
                        "':'").format(line=line, char=char,
                                      what=unicodedata.name(char, "?").lower()), row)


def _known() -> str:
    return ", ".join(f":{name}:" for name in NAMES)


def split_rst(first: str, lines: list[str], line: int = 0) -> Parts:
    """Split a reStructuredText directive block as docutils would.

    ``first`` is the text after ``::`` on the directive's line (line ``line`` of its
    file), ``lines`` the lines below it that belong to the block, as in the source
    (tabs expanded).
    """
    rows = [first.rstrip(), *_dedent([text.rstrip() for text in lines])]
    while rows and not rows[-1].strip():
        rows.pop()
    start = 1 if rows and not rows[0].strip() else 0  # docutils drops one blank first line
    end = next((i for i in range(start, len(rows)) if not rows[i].strip()), len(rows))
    parts = Parts(line=line)
    begin = next((i for i in range(start, end) if looks_like_option(rows[i])), end)
    for row in range(start, begin):
        check_argument(rows[row], row)
    parts.argument = "\n".join(rows[start:begin]).strip()
    parts.argument_row = start
    _options(rows, begin, end, parts)
    content = end + 1
    while content < len(rows) and not rows[content].strip():
        content += 1
    parts.content, parts.content_row = rows[content:], content
    check_content(parts.content, content)
    return parts


def _options(rows: list[str], begin: int, end: int, parts: Parts) -> None:
    """The option field list, rows ``begin`` to ``end``: an option a line at the block's
    indentation, each perhaps continued by lines indented further."""
    row = begin
    while row < end:
        text = rows[row]
        indented = row > 0 and text != text.lstrip()
        if indented:
            raise BlockError(_("{line!r} is indented more than the line above it, so it "
                               "would be read as part of that line; start every option "
                               "at the same column (a tab counts as 8 spaces)")
                             .format(line=text.strip()), row)
        if not looks_like_option(text):
            raise _not_an_option(text, row)
        name, rest = marker(text, row)
        row += 1
        continued = row
        while row < end and rows[row] != rows[row].lstrip():
            if looks_like_option(rows[row]):
                raise BlockError(_("{line!r} is indented more than the option above it, "
                                   "so it would be read as part of that option's value; "
                                   "start every option at the same column (a tab counts "
                                   "as 8 spaces)").format(line=rows[row].strip()), row)
            row += 1
        body = [rest, *_dedent(rows[continued:row])]
        parts.add(name, "\n".join(body).strip("\n"), continued - 1)


def _not_an_option(text: str, row: int) -> BlockError:
    return _bare(text, row) or BlockError(
        _("{line!r} follows the options but is not one: write one option a line, as "
          ":option: value, and the content after a blank line").format(line=text.strip()),
        row)


def check_content(content: list[str], first_row: int) -> None:
    """Content lines that are options out of place: after a blank line they would be
    read as content (and never as the claim the author meant)."""
    for index, line in enumerate(content):
        row = first_row + index
        if looks_like_option(line) and line.lstrip()[0] in LOOKALIKES:
            raise _lookalike(line.strip(), line.lstrip()[0], row)
        if looks_like_option(line):
            raise BlockError(_("{line!r} comes after a blank line (or after the content), "
                               "so it would be read as content, not as an option: put the "
                               "options right below the directive's first line, with no "
                               "blank line before them").format(line=line.strip()), row)
        bare = _bare(line, row)
        if bare:
            raise bare


def _bare(line: str, row: int) -> BlockError | None:
    """An option of ours written without its leading colon, such as ``expect: 3*x``."""
    bare = _BARE.match(line.strip())
    if bare is None:
        return None
    return BlockError(_("{line!r} looks like the option :{name}: without its leading "
                        "colon").format(line=line.strip(), name=bare["name"].lower()), row)


def check_steps(kind: str, parts: Parts) -> None:
    """A derivation's step written right below the directive's first line, with no blank
    line between: docutils reads such a line as more of the argument, so it would be
    taken as part of the first form, and the derivation would seem to have no steps."""
    if kind != "derivation":
        return
    for index, line in enumerate(parts.argument.split("\n")[1:], 1):
        if line.lstrip().startswith("="):
            raise BlockError(_("{line!r} continues the directive's first line, so it would "
                               "be read as part of the first form, not as a step: leave a "
                               "blank line (after the options, if any) before the steps")
                             .format(line=line.strip()), parts.argument_row + index)


def check_argument(line: str, row: int) -> None:
    """An option of ours written inside a line of the argument (``x**2 :wrt: x``)."""
    found = _EMBEDDED.search(line)
    if found:
        raise BlockError(_("{option!r} is written inside the line {line!r}: put each "
                           "option on a line of its own below the directive's first "
                           "line").format(option=found.group(0), line=line.strip()), row)


def _dedent(lines: list[str]) -> list[str]:
    depth = min((len(line) - len(line.lstrip()) for line in lines if line.strip()),
                default=0)
    return [line[depth:] for line in lines]

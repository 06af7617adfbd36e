"""Directive blocks in MyST Markdown: the option block MyST would read, split by us.

The directives have no option spec, so MyST (4 and 5 alike) hands over the fence's
body with its option block still in it, instead of parsing the options itself and
silently keeping the last of two equal ones. Here the block is read by MyST's rules (a
``---`` YAML block, or ``:option: value`` lines, right after the fence line), each
option's value by MyST's own option tokenizer (so quoting and ``|`` blocks mean what
they meant), and every option line is held to the same grammar as in
reStructuredText (:func:`..core.block.marker`), with a :class:`~..core.block.BlockError`
at the line at fault.
"""

from __future__ import annotations

from textwrap import dedent

from ..core.language.block import BlockError, Parts, check_argument, check_content, marker
from ..core.words import _


def split_myst(argument: str, body: list[str], offset: int, line: int = 0) -> Parts:
    """Split a MyST directive: ``argument`` is the text after ``{kind}`` on the fence
    line (line ``line`` of its file), ``body`` the lines below it as MyST gives them,
    ``offset`` MyST's content offset (1 when it dropped a blank line after the fence
    line)."""
    check_argument(argument, 0)
    parts = Parts(argument=argument.strip(), line=line)
    first = offset + 1  # the row of body[0]; row 0 is the fence line
    index = 0
    if body and (body[0].startswith("---") or _is_option_line(body[0])):
        if offset > 0:
            # MyST reads options only right below the fence line: these are content.
            raise BlockError(_("a blank line separates the options from the directive's "
                               "first line, so they would be read as content: remove the "
                               "blank line"), first)
        read = _yaml_block if body[0].startswith("---") else _colon_lines
        index = read(body, first, parts)
    end = len(body)
    while end > index and not body[end - 1].strip():
        end -= 1  # blank lines around the content are not content, as in docutils
    while index < end and not body[index].strip():
        index += 1
    parts.content, parts.content_row = body[index:end], first + index
    check_content(parts.content, parts.content_row)
    return parts


def _is_option_line(line: str) -> bool:
    """MyST's test for a line of a ``:option: value`` option block (``:::`` opens a
    nested colon fence)."""
    text = line.lstrip()
    return text.startswith(":") and not text.startswith(":::")


def _colon_lines(body: list[str], first: int, parts: Parts) -> int:
    """``:option: value`` lines; returns the index of the first line after them."""
    index = 0
    while index < len(body) and _is_option_line(body[index]):
        row = first + index
        text = body[index].lstrip()
        name, _rest = marker(text, row)
        parts.add(name, _value(text[1:], name, row), row)
        index += 1
    return index


def _yaml_block(body: list[str], first: int, parts: Parts) -> int:
    """A ``---`` ... ``---`` block of ``name: value`` lines; returns the index of the
    first line after its closing ``---``."""
    if body[0].rstrip("-").strip():
        raise BlockError(_("text after the opening '---' of the option block would be "
                           "ignored: put options on the lines below it"), first)
    close = next((i for i in range(1, len(body)) if body[i].startswith("---")), None)
    if close is None:
        raise BlockError(_("the option block opened by '---' has no closing '---' line"),
                         first)
    if body[close].lstrip("-").strip():
        raise BlockError(_("text after the closing '---' of the option block: put the "
                           "content on the lines below it"), first + close)
    for row, chunk in _chunks(dedent("\n".join(body[1:close])).split("\n"), first + 1):
        if chunk[0].startswith(":"):
            raise BlockError(_("{line!r}: inside a '---' block, options are written "
                               "without colons around the name, as option: value")
                             .format(line=chunk[0].strip()), row)
        name, _rest = marker(chunk[0], row, opening=False)
        parts.add(name, _value("\n".join(chunk), name, row), row)
    return close + 1


def _chunks(lines: list[str], first: int) -> list[tuple[int, list[str]]]:
    """The YAML block's options: each a line at column 0 with the indented (or blank)
    lines below it, and its row. A comment line at column 0 is skipped, and ends the
    option above it, as in YAML."""
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for index, line in enumerate(lines):
        if line.startswith("#"):
            current = None
        elif not line.strip():
            if current is not None:
                current.append(line)
        elif line[0].isspace():
            if current is None:
                raise BlockError(_("{line!r} is indented, but no option precedes it")
                                 .format(line=line.strip()), first + index)
            current.append(line)
        else:
            current = [line]
            chunks.append((first + index, current))
    return chunks


def _value(text: str, name: str, row: int) -> str:
    """The value of the one option in ``text`` (``name: value``, perhaps with indented
    lines below, the first at ``row``), read by MyST's own option tokenizer."""
    # Imported here: only a page MyST parses gets here, and then MyST is installed.
    from myst_parser.parsers.options import TokenizeError, options_to_items

    try:
        items, state = options_to_items(text)
    except TokenizeError as err:
        raise BlockError(_("MyST cannot read the option :{name}:: {problem}")
                         .format(name=name, problem=err.problem),
                         row + err.problem_mark.line) from err
    if state.has_comments:
        raise BlockError(_("MyST drops the # comment from the value of :{name}:; remove "
                           "the comment").format(name=name), row)
    if len(items) != 1 or items[0][0].lower() != name:
        raise BlockError(_("cannot read the option {line!r}: write it as option: value")
                         .format(line=text.split("\n")[0].strip()), row)
    return items[0][1]

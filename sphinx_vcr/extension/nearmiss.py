"""Directives that never reach sphinx-vcr: near misses, counted as errors at their line.

A directive name with a typo (``.. derivatve::``) is only an error of docutils (a
warning of MyST), which does not fail the build; ``.. derivative: x`` (one colon) or
``.. derivative::x`` (no space) is an rST comment, and a MyST fence without braces
(```` ```derivative ````) a code block: nothing is checked and nothing says so. A
transform finds these in each document before Sphinx filters its system messages, and
records each as an error of the directive that was meant, so the summary, the exit
status and the reports count it like any other.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from ..core.language.scan import KINDS
from ..core.outcome import ERROR
from .domain import Record, get_domain
from .i18n import _

logger = logging.getLogger(__name__)

# docutils: 'Unknown directive type "x".'; MyST: "Unknown directive type: 'x'" (quotes
# perhaps already curled).
_UNKNOWN = re.compile(r"Unknown directive type:? [\"'“‘]([^\"'”’]+)[\"'”’]")
# A comment that is one of our directives with its colons wrong: "derivative: x",
# "derivative::x", "derivative :x".
_COMMENT = re.compile(rf"^\s*({'|'.join(KINDS)})\s*:(?!: )", re.IGNORECASE)


def _candidate(node: nodes.Node) -> bool:
    """The nodes a near miss can become: a docutils or MyST message, a comment, a code
    block."""
    return isinstance(node, (nodes.system_message, nodes.comment, nodes.literal_block))


class NearMisses(SphinxTransform):
    """Records every near miss of a sphinx-vcr directive in the document."""

    # Before FilterSystemMessages (999), which drops docutils' messages.
    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        # A MyST comment ("% derivative: x") is only a comment, never a directive's typo.
        markdown = str(self.env.doc2path(self.env.docname)).endswith(".md")
        for node in list(self.document.findall(_candidate)):
            found = _near_miss(node, markdown)
            if found is not None:
                self._record(node, *found)

    def _record(self, node: nodes.Element, kind: str, message: str) -> None:
        source = str(node.get("source") or node.source
                     or self.env.doc2path(self.env.docname))
        line = node.get("line") or node.line or 0
        if isinstance(node, nodes.comment):
            line = self._comment_line(source, line, node.astext().split("\n")[0])
        location = f"{source}:{line}"
        logger.error("[vcr.%s] %s", kind, message, location=location, type="vcr",
                     subtype="parse")
        get_domain(self.env).record(self.env.docname, Record(
            location=location, line=line, kind=kind, status=ERROR, subtype="parse",
            message=message, method="", points=0, max_error=0.0, seconds=0.0))


    def _comment_line(self, source: str, line: int, first: str) -> int:
        """The line a comment starts on: docutils gives comments the line after them."""
        try:
            lines = Path(source).read_text(encoding=self.config.source_encoding)
        except (OSError, UnicodeDecodeError):
            return line
        text = lines.splitlines()
        for number in range(min(line, len(text)), 0, -1):
            if ".." in text[number - 1] and first.strip() in text[number - 1]:
                return number
        return line


def _near_miss(node: nodes.Element, markdown: bool) -> tuple[str, str] | None:
    """``(kind, message)`` if ``node`` is a directive of ours that was not run."""
    if isinstance(node, nodes.system_message) and node.get("level", 0) >= 2:
        match = _UNKNOWN.search(node.astext())
        close = difflib.get_close_matches(match.group(1).lower(), KINDS, n=1,
                                          cutoff=0.75) if match else []
        if close:
            return close[0], _("unknown directive {name!r}, so nothing in it is checked: "
                               "did you mean {kind}?").format(name=match.group(1),
                                                              kind=close[0])
    if isinstance(node, nodes.comment) and not markdown:
        match = _COMMENT.match(node.astext())
        if match:
            kind = match.group(1).lower()
            return kind, _("this is a comment, not a directive, so nothing in it is "
                           "checked: write '.. {kind}::' with two colons and a space "
                           "after them").format(kind=kind)
    if isinstance(node, nodes.literal_block) and node.get("language") in KINDS:
        kind = node["language"]
        return kind, _("a code block in the language {kind!r} is shown, not checked: to "
                       "check it, write the fence as ```{{{kind}}} in MyST, or "
                       "'.. {kind}::' in reStructuredText").format(kind=kind)
    return None

"""Directives that never reach sphinx-vcr: near misses, counted as errors at their line.

A directive name with a typo (``.. derivatve::``) is only an error of docutils (a
warning of MyST), which does not fail the build; ``.. derivative: x`` (one colon) or
``.. derivative::x`` (no space) is an rST comment, and a MyST fence without braces
(```` ```derivative ````) a code block: nothing is checked and nothing says so. A
transform finds these in each document before Sphinx filters its system messages, and
records each as an error of the directive that was meant, so the summary, the exit
status and the reports count it like any other.

Whatever else a parser makes of a directive it did not run (a paragraph, a comment, a
field list after the block, a div), one general check catches it: a lenient scan of the
document's source (:func:`..core.language.scan.suspects`) lists every line that looks
like one of our directives, or like one of their options just outside the block, and
each such line no directive recorded is an error. Lines that the document shows as an
example (in a literal block, a raw block, or a commented-out block) are left alone.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from ..core.language.scan import KINDS, suspects
from .domain import Record, get_domain, record_error
from .i18n import _, speaking
from .language import is_markdown, of_page

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
        # The page's directives speak its language, and so do the errors in their place.
        with speaking(of_page(self.env)):
            # A MyST comment ("% derivative: x") is only a comment, never a typo.
            markdown = is_markdown(self.env, self.env.docname)
            for node in list(self.document.findall(_candidate)):
                found = _near_miss(node, markdown)
                if found is not None:
                    self._record(node, *found)
            self._unrun(markdown)

    def _unrun(self, markdown: bool) -> None:
        """Record each line of the source that looks like a directive of ours (or like
        one of its options outside its block) and was never run."""
        source = str(self.env.doc2path(self.env.docname))
        try:
            text = Path(source).read_text(encoding=self.config.source_encoding)
        except (OSError, UnicodeDecodeError):
            return
        done = _recorded(get_domain(self.env).outcomes.get(self.env.docname, []), source)
        examples = _examples(self.document)
        lines = text.expandtabs(8).splitlines()
        for suspect in suspects(text, markdown):
            shown = lines[suspect.line - 1].strip()
            if suspect.line in done:
                continue
            if examples[shown] > 0:  # shown as an example: one use of that example line
                examples[shown] -= 1
                continue
            self._record_at(source, suspect.line, suspect.kind, _unrun_message(
                suspect.kind, shown, suspect.stray, suspect.step))

    def _record(self, node: nodes.Element, kind: str, message: str) -> None:
        source = str(node.get("source") or node.source
                     or self.env.doc2path(self.env.docname))
        line = node.get("line") or node.line or 0
        if isinstance(node, nodes.comment):
            line = self._comment_line(source, line, node.astext().split("\n")[0])
        self._record_at(source, line, kind, message)

    def _record_at(self, source: str, line: int, kind: str, message: str) -> None:
        record_error(self.env, source, line, kind, "parse", message)

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


def _recorded(records: list[Record], source: str) -> set[int]:
    """The lines of ``source`` at which a directive of ours (or a near miss) was
    recorded: its own line, and the line of the problem it reported."""
    here = Path(source).resolve()
    lines = set()
    for record in records:
        path, _sep, line = record["location"].rpartition(":")
        if path and Path(path).resolve() == here:
            lines.add(record["line"])
            if line.isdigit():
                lines.add(int(line))
    return lines


def _examples(document: nodes.document) -> Counter[str]:
    """The lines the document shows verbatim (literal and raw blocks not in one of our
    languages, comments), stripped: a directive written there is an example."""
    shown: Counter[str] = Counter()
    for node in document.findall(lambda n: isinstance(
            n, (nodes.literal_block, nodes.raw, nodes.comment, nodes.doctest_block))):
        if isinstance(node, nodes.literal_block) and _our_language(node):
            continue
        shown.update(line.strip() for line in node.astext().splitlines())
    return shown


def _our_language(node: nodes.Element) -> bool:
    """Whether a code block's language names one of our directives (``{ derivative}``,
    ``Derivative``, ``chain_rule``): a directive MyST did not run, not an example."""
    words = re.sub(r"[{}]", " ", str(node.get("language") or "")).split()
    return bool(words) and words[0].lower().replace("_", "-") in KINDS


def _unrun_message(kind: str, line: str, stray: bool, step: bool) -> str:
    if step:
        return _("{line!r} is outside the block of the {kind} directive above it, so it "
                 "is not one of its steps and nothing checks it: indent it like the other "
                 "steps").format(line=line, kind=kind)
    if stray:
        return _("{line!r} is outside the block of the {kind} directive above it, so it "
                 "is not one of its options and nothing checks it: indent it like the "
                 "other options, right below them").format(line=line, kind=kind)
    return _("{line!r} looks like a {kind} directive but was never run, so nothing in "
             "it is checked: write '.. {kind}::' (reStructuredText, after a blank line) "
             "or a fence ```{{{kind}}} (MyST)").format(line=line, kind=kind)

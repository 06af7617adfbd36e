"""``vcr_cjk_join``: hard-wrapped Chinese (or Japanese) lines joined without a space.

reStructuredText and Markdown keep a paragraph's line breaks in its text, and a browser
(or LaTeX) shows each one as a space: right for English, a stray space in the middle of
a Chinese sentence wrapped at column 100. With ``vcr_cjk_join = True`` this transform
drops a line break, and the spaces around it, wherever the characters on both sides of
it are CJK characters (ideographs, kana, bopomofo, CJK and full-width punctuation), as
a CJK typesetting system would.

What it leaves alone: a break between a CJK character and anything else (a Latin
letter, a digit, inline math or code) stays, and shows as one space, which Chinese
typesetting allows (and which keeps "的 :math:`x`" from gluing to the math); text in
literal blocks, inline code, math, raw output and comments, whose line breaks are
their content; and Hangul, which separates its words with spaces. The curly quotes,
dashes and ellipsis that Chinese text shares with English count as CJK only when the
character on the other side of the break is CJK.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

#: CJK characters proper: radicals, CJK symbols and punctuation, kana, bopomofo, the
#: ideographs (extension A, the main block, compatibility, extensions B onwards),
#: vertical and compatibility forms, full-width forms and half-width katakana (but not
#: the half-width Hangul at U+FFA0-FFDC) and full-width signs.
_CJK = ("\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
        "\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f"
        "\uff00-\uff9f\uffe0-\uffef\U00020000-\U0003ffff")
#: Punctuation that Chinese text shares with English: CJK only beside a CJK character.
_SHARED = "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
# A line break with the spaces and tabs around it (never U+3000, an ideographic space,
# which an author writes on purpose).
_BREAK = r"[ \t]*\n[ \t]*"
_JOIN = re.compile(rf"(?<=[{_CJK}]){_BREAK}(?=[{_CJK}{_SHARED}])"
                   rf"|(?<=[{_SHARED}]){_BREAK}(?=[{_CJK}])")
_STRONG = re.compile(f"[{_CJK}]")
_ANY = re.compile(f"[{_CJK}{_SHARED}]")

#: Nodes whose text is kept as written: their line breaks are content, not wrapping.
_VERBATIM = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment,
             addnodes.not_smartquotable)


def joined(text: str) -> str:
    """``text`` with each line break between two CJK characters dropped."""
    return _JOIN.sub("", text)


class JoinCjkLines(SphinxTransform):
    """Drops the line breaks between CJK characters in the text of every paragraph,
    title, list item and table cell (with ``vcr_cjk_join``)."""

    # After the references and substitutions are resolved (so their text is in place),
    # before smart quotes (750).
    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        if not self.config.vcr_cjk_join:
            return
        for block in self.document.findall(_is_block):
            _join_block(block)


def _is_block(node: nodes.Node) -> bool:
    """A text element not inside another one (a paragraph, a title, a term), not kept
    verbatim."""
    return (isinstance(node, nodes.TextElement) and not isinstance(node, _VERBATIM)
            and not isinstance(node.parent, nodes.TextElement))


def _join_block(block: nodes.TextElement) -> None:
    """Join within each text of ``block`` and across the inline markup between its
    texts ("中文\n**粗体**"): a break at the edge of a text joins if the character
    beyond it, at the edge of the neighbouring text, is CJK. Verbatim text is never
    changed, and its characters count as not CJK."""
    texts = list(block.findall(nodes.Text))
    # What each text shows at its edges: "" for verbatim text, None for an empty one
    # (which is looked past).
    shown = [("" if _verbatim(text, block) else str(text)) if str(text) else None
             for text in texts]
    for index, text in enumerate(texts):
        if not shown[index] or "\n" not in shown[index]:
            continue
        before = next((s for s in reversed(shown[:index]) if s is not None), "")[-1:]
        after = next((s for s in shown[index + 1:] if s is not None), "")[:1]
        new = joined(str(text))
        # The first and last characters of the text itself, or past it if it is all
        # space: "**粗**\n**体**".
        first, last = new.strip(" \t\n")[:1] or after, new.strip(" \t\n")[-1:] or before
        if _joins(before, first):
            new = _without_break(new, leading=True)
        if _joins(last, after):
            new = _without_break(new, leading=False)
        if new != str(text):
            _replace(text, nodes.Text(new))


def _without_break(text: str, leading: bool) -> str:
    """``text`` without the line break (and the spaces around it) at its start
    (``leading``) or its end, if it has one there. By string methods: a pattern
    anchored at the end would be tried at each space of a long run, in quadratic time."""
    edge = text.lstrip(" \t") if leading else text.rstrip(" \t")
    if leading and edge.startswith("\n"):
        return edge[1:].lstrip(" \t")
    if not leading and edge.endswith("\n"):
        return edge[:-1].rstrip(" \t")
    return text


def _replace(text: nodes.Text, new: nodes.Text) -> None:
    """Put ``new`` in the place of ``text``, found by identity: a text is a string, and
    its parent's ``replace`` would take the first sibling equal to it."""
    parent = text.parent
    index = next(i for i, child in enumerate(parent.children) if child is text)
    parent[index] = new


def _joins(left: str, right: str) -> bool:
    """Whether a break between the characters ``left`` and ``right`` ("" for none)
    joins: both CJK, or one CJK and the other punctuation shared with English."""
    pair = left + right
    return len(pair) == 2 and bool(_STRONG.search(pair)) and all(map(_ANY.match, pair))


def _verbatim(text: nodes.Text, block: nodes.Element) -> bool:
    node = text.parent
    while node is not None and node is not block:
        if isinstance(node, _VERBATIM):
            return True
        node = node.parent
    return False


def setup_cjk(app: Sphinx) -> None:
    app.add_transform(JoinCjkLines)

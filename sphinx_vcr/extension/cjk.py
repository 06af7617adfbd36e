"""``vcr_cjk_join``: hard-wrapped Chinese (or Japanese) lines joined without a space.

reStructuredText and Markdown keep a paragraph's line breaks in its text, and a browser
(or LaTeX) shows each one as a space: right for English, a stray space in the middle of
a Chinese sentence wrapped at column 100. With ``vcr_cjk_join = True`` this transform
drops a line break, and the spaces around it, where the characters on both sides of it
are CJK characters (ideographs, kana, bopomofo, CJK and full-width punctuation), and
where either of them is full-width punctuation (a comma, a full stop, a bracket), whose
glyph carries its own space in CJK typesetting: "，" at the end of a line before math.

What it leaves alone: a break between an ideograph (or kana) and anything else (a
Latin letter, a digit, inline math or code) stays, and shows as one space, which
Chinese typesetting allows (and which keeps "的 :math:`x`" from gluing to the math);
the text of literal blocks, inline code, math, raw output and comments, whose line
breaks are their content (never changed, and counted as not CJK); and Hangul, which
separates its words with spaces. The curly quotes, dashes and ellipsis that Chinese
text shares with English count as CJK only when the character on the other side of
the break is CJK.
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
#: Full-width punctuation, whose glyphs carry their own space: 、。〃, the CJK brackets,
#: and the full-width forms of ASCII punctuation (，：；！？（）and the like).
_PUNCTUATION = re.compile("[\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f"
                          "\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
#: Punctuation that Chinese text shares with English: CJK only beside a CJK character.
_SHARED = "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
_STRONG = re.compile(f"[{_CJK}]")
_ANY = re.compile(f"[{_CJK}{_SHARED}]")
#: Stands for the edge of verbatim text (code, math) beside a break: not CJK, not a
#: space.
_OTHER = "\ufffc"

#: Nodes whose text is kept as written: their line breaks are content, not wrapping.
_VERBATIM = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment,
             addnodes.not_smartquotable)


def joined(text: str, before: str = "", after: str = "") -> str:
    """``text`` without the line breaks (with the spaces and tabs around them, never an
    ideographic space, which an author writes on purpose) that :func:`_joins` drops.
    ``before`` and ``after`` are the characters just outside ``text``, for a break at
    its edges ("" for none)."""
    kept, last = [], 0
    for match in re.finditer("\n", text):
        # By hand rather than by one pattern around the break, which would be tried at
        # each space of a long run of them (quadratic time).
        start, end = match.start(), match.end()
        while start > last and text[start - 1] in " \t":
            start -= 1
        while end < len(text) and text[end] in " \t":
            end += 1
        left = text[start - 1] if start else before
        right = text[end] if end < len(text) else after
        if _joins(left, right):
            kept.append(text[last:start])
            last = end
    return "".join(kept) + text[last:]


def _joins(left: str, right: str) -> bool:
    """Whether a break between the characters ``left`` and ``right`` ("" for none) is
    dropped: either is full-width punctuation (and the other is no line's end), or both
    are CJK (one perhaps punctuation shared with English)."""
    if not left or not right or "\n" in (left, right):
        return False
    if _PUNCTUATION.match(left) or _PUNCTUATION.match(right):
        return True
    return bool(_STRONG.search(left + right)) and all(map(_ANY.match, left + right))


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
    texts ("中文\\n**粗体**"): a break at the edge of a text is judged by the character
    beyond it, at the edge of the neighbouring text. Verbatim text is never changed."""
    texts = list(block.findall(nodes.Text))
    # What each text shows its neighbours; an empty one is looked past.
    shown = [_OTHER if _verbatim(text, block) else str(text) for text in texts]
    for index, text in enumerate(texts):
        if shown[index] == _OTHER or "\n" not in text:
            continue
        before = next((s for s in reversed(shown[:index]) if s), "")[-1:]
        after = next((s for s in shown[index + 1:] if s), "")[:1]
        new = joined(str(text), before, after)
        if new != str(text):
            _replace(text, nodes.Text(new))


def _replace(text: nodes.Text, new: nodes.Text) -> None:
    """Put ``new`` in the place of ``text``, found by identity: a text is a string, and
    its parent's ``replace`` would take the first sibling equal to it."""
    parent = text.parent
    index = next(i for i, child in enumerate(parent.children) if child is text)
    parent[index] = new


def _verbatim(text: nodes.Text, block: nodes.Element) -> bool:
    node = text.parent
    while node is not None and node is not block:
        if isinstance(node, _VERBATIM):
            return True
        node = node.parent
    return False


def setup_cjk(app: Sphinx) -> None:
    app.add_transform(JoinCjkLines)

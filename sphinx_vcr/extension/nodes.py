"""The docutils nodes a directive produces (their stylesheets: :mod:`.assets`).

Only standard nodes: results are ``math_block`` nodes, so MathJax, KaTeX, imgmath, the
LaTeX and the text builders all render them with no visitors of ours; the badge is a
paragraph and the wrapper a container, both with ``vcr-*`` classes that HTML themes can
style and that every other builder renders as plain text.
"""

from __future__ import annotations

from docutils import nodes

from ..core.outcome import Outcome
from .i18n import _


def result_nodes(kind: str, outcome: Outcome, docname: str, show_badge: bool
                 ) -> nodes.container:
    """A container ``div.vcr.vcr-<kind>`` with the math and the badge or failure box."""
    box = nodes.container(classes=["vcr", f"vcr-{kind}"])
    blocks = [nodes.math_block(latex, latex, nowrap=False, number=None, docname=docname,
                               label=None) for latex in outcome.math]
    if outcome.mistake:
        # One framed box for students: a title, the wrong claim struck through beside
        # the right one, and the reason.
        title = nodes.paragraph("", _("As written (wrong)"), classes=["vcr-mistake-title"])
        box += _boxed("vcr-mistake-box", title, *blocks,
                      _badge(outcome.badge, "vcr-mistake"))
        return box
    for block in blocks:
        box += block
    box += badge(outcome, show_badge)
    return box


def badge(outcome: Outcome, show_badge: bool) -> list[nodes.Element]:
    """The verification badge, or a visible failure box in its place."""
    if outcome.mistake:
        return [_boxed("vcr-mistake-box", _badge(outcome.badge, "vcr-mistake"))]
    if outcome.status == "skipped":
        return [_badge(outcome.message, "vcr-skipped")]
    if not outcome.ok:
        text = (_("Verification failed [vcr.{subtype}]: {message}")
                if outcome.status == "failed" else
                _("Input error [vcr.{subtype}]: {message}"))
        text = text.format(subtype=outcome.subtype, message=outcome.message)
        return [_boxed("vcr-failure", _badge(text, "vcr-failed"))]
    if not show_badge:
        return []
    return [_badge(_("Verified: {badge}").format(badge=outcome.badge), "vcr-verified")]


def _badge(text: str, kind: str) -> nodes.paragraph:
    paragraph = nodes.paragraph("", text, classes=["vcr-badge", kind])
    # Messages quote expressions ('x**2', 'foo'): Sphinx's smart quotes must not curl
    # them, or the text shown is no longer what the author should type.
    paragraph["support_smartquotes"] = False
    return paragraph


def _boxed(box_class: str, *children: nodes.Element) -> nodes.container:
    """``children`` in a container: a framed box in LaTeX (``sphinxvcr.sty`` defines an
    environment per class), where a paragraph's own classes are dropped."""
    return nodes.container("", *children, classes=[box_class])

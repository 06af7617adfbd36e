"""A page's file-wide fields read from its source (``scan.file_fields``), as docutils
reads its docinfo.

The directives and the ``-j`` prefetch learn a page's ``:vcr-language:`` from this
reading, before docutils has parsed the page; the Sphinx layer reports any difference
from the real docinfo as an error, so the two should agree on every page an author
writes. Here they are compared on generated page headers: comments, targets,
substitution definitions, ``meta`` and ``raw`` blocks, other directives, paragraphs,
titles and field lists with values over several lines.
"""

from __future__ import annotations

from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_vcr.core.language.scan import Field, file_fields

PIECES = [
    "",
    ".. a comment",
    ".. a comment\n\n   that goes on after a blank line",
    "..",
    "..\n   an empty comment's first line, then its text",
    ".. _target:",
    ".. _target: https://example.org",
    ".. _target:\n   https://example.org",
    ".. |name| replace:: text",
    ".. meta::\n   :description: words",
    ".. raw:: html\n\n   <b>raw</b>",
    ".. note:: a note",
    ".. [1] a footnote",
    "A paragraph.",
    "Title\n=====",
    "=====\nTitle\n=====",
    "- a list item",
    ":vcr-language: zh_CN",
    ":vcr-language:\n   zh_CN",
    ":vcr-language: zh_CN and\n   more words",
    ":field-one: 1",
    ":field-one: 1\n:field-two: 2",
    ":orphan:",
    "   an indented block",
]


def docinfo(text: str) -> list[tuple[str, str, int]]:
    """The generic fields of the docinfo as docutils makes it with Sphinx's settings
    (no document title is taken from the first section)."""
    document = publish_doctree(text, settings_overrides={
        "doctitle_xform": False, "report_level": 5, "halt_level": 5,
        "warning_stream": False})
    index = document.first_child_not_matching_class(nodes.PreBibliographic)
    if index is None or not isinstance(document[index], nodes.docinfo):
        return []
    return [(field[0].astext(), field[1].astext(), field.line)
            for field in document[index] if isinstance(field, nodes.field)]


def read(text: str) -> list[tuple[str, str, int]]:
    return [(f.name, " ".join(f.value.split()), f.line) for f in file_fields(text, False)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=7),
       st.lists(st.sampled_from(["\n", "\n\n"]), min_size=7, max_size=7))
def test_the_fields_read_are_the_docinfo(pieces, separators):
    """Which fields, their lines, and their plain values (a value with markup or a
    nested field list reads differently: that is the Sphinx layer's error to report)."""
    text = "".join(piece + separator for piece, separator in zip(pieces, separators))
    expected = [(name, " ".join(value.split()), line) for name, value, line in docinfo(text)]
    assert read(text) == expected, text


def test_examples():
    assert file_fields(".. _t:\n\n:vcr-language: zh_CN\n:orphan:\n\nT\n=\n", False) == [
        Field("vcr-language", "zh_CN", 3), Field("orphan", "", 4)]
    assert file_fields("T\n=\n\n:vcr-language: zh_CN\n", False) == []
    assert file_fields(".. note:: x\n\n:vcr-language: zh_CN\n", False) == []


def test_front_matter():
    page = "---\ntitle: T\nvcr-language: \"zh_CN\"  # a comment\n'quoted': x\n---\n# T\n"
    assert file_fields(page, True) == [Field("title", "T", 2),
                                       Field("vcr-language", "zh_CN", 3),
                                       Field("quoted", "x", 4)]
    assert file_fields("---\nvcr-language: zh_CN\n", True) == []  # never closed
    assert file_fields("\n---\nvcr-language: zh_CN\n---\n", True) == []  # not at the top
    assert file_fields("---\nnested:\n  vcr-language: zh_CN\n---\n", True) == [
        Field("nested", "", 2)]

"""A page's own language for sphinx-vcr's words: the file-wide field ``:vcr-language:``.

A Chinese chapter of an English site sets ``:vcr-language: zh_CN`` in the field list at
the top of its page (docinfo), or ``vcr-language: zh_CN`` in a MyST page's front matter:
its badges, boxes, the words inside its math and the build's messages about it are then
Chinese, and the rest of the site stays in the project's ``language``.

Docutils runs a page's directives while parsing it, before it turns the field list into
the docinfo, so the field is read from the page's source instead, when the page is read
(``source-read``) and, with the same function, by the ``-j`` prefetch
(:mod:`.prefetch`): both then check a directive with the same settings, which is the
key of the memo and the cache. After parsing, :class:`CheckLanguageField` holds that
reading to what docutils or MyST made of the page: a field that is not the page's
docinfo (so it is shown, and sets nothing), a field read differently, one given twice,
and an unknown language are each a counted error at the field's line, so a page never
silently speaks another language than its author asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import get_filetype

from ..core.language.scan import Field, file_fields
from .config import project_language
from .domain import record_error
from .i18n import _, languages

#: The field's name (matched without regard to case, as docutils matches its own).
FIELD = "vcr-language"
#: The ``kind`` of its errors in messages and reports (``[vcr.language]``).
KIND = "language"


class PageLanguage(NamedTuple):
    """The language of a page's words, and the ``:vcr-language:`` field that set it
    (None: the page has none, and speaks the project's language)."""

    language: str
    field: Field | None


def canonical(value: str) -> str | None:
    """The language sphinx-vcr has words in by the name ``value`` (``zh-cn`` and
    ``zh_CN`` are both ``zh_CN``), or None."""
    wanted = value.strip().replace("-", "_").lower()
    return next((known for known in languages() if known.lower() == wanted), None)


def read(text: str, markdown: bool, project: str) -> PageLanguage:
    """The language of the page whose source is ``text``; ``project`` where it sets
    none (or an unknown one, which :class:`CheckLanguageField` reports)."""
    field = next((f for f in file_fields(text, markdown) if f.name.lower() == FIELD), None)
    language = canonical(field.value) if field is not None else None
    return PageLanguage(language or project, field)


def is_markdown(env: BuildEnvironment, docname: str) -> bool:
    """Whether the document is Markdown (read by MyST): by the file type its suffix is
    registered for in ``source_suffix``, not by the suffix itself."""
    path = str(env.doc2path(docname))
    try:
        filetype = get_filetype(env.config.source_suffix, path)
    except Exception:  # no file type known (cannot happen for a document being read)
        return path.endswith(".md")
    return filetype in ("markdown", "myst")


def _pages(env: BuildEnvironment) -> dict[str, PageLanguage]:
    """What each page read in this process says of its language. Kept on the
    environment of the process that reads the page, which is the one that runs its
    directives and transforms (a ``-j`` worker's, or the main one)."""
    if not hasattr(env, "vcr_languages"):
        env.vcr_languages = {}  # type: ignore[attr-defined]
    return env.vcr_languages  # type: ignore[attr-defined]


def of_page(env: BuildEnvironment) -> str:
    """The language of the words of the page being read."""
    page = _pages(env).get(env.docname)
    return page.language if page is not None else project_language(env.config)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    _pages(app.env)[docname] = read(source[0], is_markdown(app.env, docname),
                                    project_language(app.config))


def _is_ours(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.field) and len(node) == 2
            and node[0].astext().strip().lower() == FIELD)


class CheckLanguageField(SphinxTransform):
    """Reports each ``:vcr-language:`` field that does not do what it says."""

    # After docutils' DocInfo (340), which makes the docinfo, and before the
    # doctree-read event, at which Sphinx moves the docinfo out of the document.
    default_priority = 400

    def apply(self, **kwargs: Any) -> None:
        source = str(self.env.doc2path(self.env.docname))
        ours = list(self.document.findall(_is_ours))
        docinfo = [field for field in ours if isinstance(field.parent, nodes.docinfo)]
        for field in ours:
            if not isinstance(field.parent, nodes.docinfo):
                self._error(_source(field, source), field.line, _(
                    "the field :vcr-language: sets the language of sphinx-vcr's words only "
                    "in the field list at the very top of the page, before its title "
                    "(with only comments or targets before it); here it is shown as text "
                    "and sets nothing: move it there"))
        if len(docinfo) > 1:
            self._error(source, docinfo[1].line, _(
                "the field :vcr-language: is given twice; only the first one is used: "
                "remove the other"))
        page = _pages(self.env).get(self.env.docname)
        seen = page.field if page else None
        if seen is None and docinfo:
            # A docinfo the source does not show: from an included file at the top of
            # the page, or a MyST field list.
            self._error(_source(docinfo[0], source), docinfo[0].line, _(
                "sphinx-vcr cannot read this :vcr-language: field in the page's source, "
                "so the page's words are in the project's language: write it as a line "
                "':vcr-language: zh_CN' in the field list at the very top of the page "
                "itself, with only comments or targets before it (in MyST, as the key "
                "vcr-language of the front matter)"))
        problem = self._misread(seen, docinfo[0] if docinfo else None)
        if problem is not None:
            self._error(source, *problem)

    def _misread(self, seen: Field | None, parsed: nodes.field | None
                 ) -> tuple[int, str] | None:
        """What is wrong with the field ``seen`` in the source (the one that set the
        page's language), given the field ``parsed`` of the docinfo: its line and a
        message, or None."""
        if seen is None:
            return None
        if parsed is None:
            return seen.line, _(
                "the page's field list or front matter is not read as its metadata "
                "(docinfo), so this :vcr-language: field cannot be relied on: fix what "
                "the parser reports about it")
        value = parsed[1].astext().strip()
        if value != seen.value:
            return seen.line, _(
                "the field :vcr-language: reads {written!r} in the page's source but "
                "{parsed!r} once parsed: write the language's name plainly, such as "
                "zh_CN").format(written=seen.value, parsed=value)
        if canonical(value) is None:
            return seen.line, _(
                "unknown language {value!r} in the field :vcr-language:; sphinx-vcr has "
                "words in {known}; this page's words are in the project's language "
                "({project})").format(value=value, known=", ".join(languages()),
                                      project=project_language(self.config))
        return None

    def _error(self, source: str, line: int | None, message: str) -> None:
        record_error(self.env, source, line or 0, KIND, "language", message)


def _source(node: nodes.Element, page: str) -> str:
    """The file ``node`` comes from (an included file's), else the page's: MyST gives
    the fields of a front matter a source that is no file."""
    source = node.source or node.get("source")
    # Docutils names an included file relative to the working folder: made absolute,
    # as every other location is.
    return str(Path(source).resolve()) if source and Path(source).is_file() else page


def setup_language(app: Sphinx) -> None:
    app.connect("source-read", _source_read)
    app.add_transform(CheckLanguageField)

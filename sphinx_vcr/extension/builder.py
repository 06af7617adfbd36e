"""``sphinx-build -b vcr``: verify every directive, write no pages (like ``-b doctest``).

Reading the documents is what runs the directives, so this builder reads and then
writes nothing. Sphinx's own progress lines are hidden: what is printed is each failure
and error (as warnings, at their file and line) and sphinx-vcr's summary; the exit
status is set by the summary as in every other build.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.util.logging import InfoFilter

VCR_LOGGERS = "sphinx.sphinx_vcr."


class _OnlyOurs(logging.Filter):
    """Lets through only sphinx-vcr's own status lines (warnings are not filtered)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or record.name.startswith(VCR_LOGGERS)


class VcrBuilder(Builder):
    """Checks the derivatives of every page; output is the summary and the exit code."""

    name = "vcr"
    format = ""
    allow_parallel = True

    def init(self) -> None:
        # Sphinx's status handlers are the ones that drop warnings with an InfoFilter.
        for handler in logging.getLogger("sphinx").handlers:
            if any(isinstance(f, InfoFilter) for f in handler.filters):
                handler.addFilter(_OnlyOurs())

    def get_outdated_docs(self) -> Iterable[str]:
        return self.env.found_docs

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""

    def prepare_writing(self, docnames: set[str]) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    def write(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to write: every outcome was recorded while reading."""


"""Per-document outcomes, kept in a Sphinx domain so ``-j`` and incremental builds agree.

Directives record outcomes here while documents are read (possibly in parallel worker
processes); Sphinx merges the workers' data back with :meth:`merge_domaindata` and drops
a document's data with :meth:`clear_doc` when it is re-read or removed. The summary at
``build-finished`` therefore always sees every document's latest outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Any, ClassVar, TypedDict

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.outcome import ERROR
from .i18n import current_language

logger = logging.getLogger(__name__)


class Record(TypedDict):
    """One directive's outcome, as stored in the environment."""

    #: ``file:line`` of the problem (or of the directive, if there is none).
    location: str
    #: The directive's own line: what identifies it from build to build.
    line: int
    kind: str
    status: str
    subtype: str
    message: str
    #: How it was verified: ``exact`` (symbolically, and numerically), ``numeric``,
    #: ``mistake`` (a known mistake shown to be wrong), or ``""`` if it was not.
    method: str
    points: int
    max_error: float
    #: How many claims it verified: 1 for an ``:expect:`` (or a confirmed
    #: ``:mistake:``), one per step of a derivation, 0 if it has none or is not verified.
    claims: int
    #: How long checking it took when its page was last read; 0 if the outcome was
    #: read from the disk cache (or not checked at all).
    seconds: float
    #: The language of its message (the page's: see :mod:`.language`).
    language: str


class VcrDomain(Domain):
    """Holds ``{docname: [Record, ...]}``; has no roles or directives of its own."""

    name = "vcr"
    label = "sphinx-vcr"
    initial_data: ClassVar[dict[str, Any]] = {"outcomes": {}}

    @property
    def outcomes(self) -> dict[str, list[Record]]:
        return self.data.setdefault("outcomes", {})

    def record(self, docname: str, record: Record) -> None:
        self.outcomes.setdefault(docname, []).append(record)

    def clear_doc(self, docname: str) -> None:
        self.outcomes.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for docname, records in otherdata.get("outcomes", {}).items():
            if docname in docnames:
                self.outcomes[docname] = list(records)

    def all_records(self) -> Iterable[tuple[str, Record]]:
        for docname in sorted(self.outcomes):
            for record in self.outcomes[docname]:
                yield docname, record

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list:
        return []


def get_domain(env: BuildEnvironment) -> VcrDomain:
    return env.domains["vcr"]  # type: ignore[return-value]


def record_error(env: BuildEnvironment, source: str, line: int, kind: str, subtype: str,
                 message: str) -> None:
    """Log an error that no directive's outcome carries (a directive that never ran, a
    field of the page) at ``source:line`` and count it, as a directive's error is."""
    location = f"{source}:{line}"
    logger.error("[vcr.%s] %s", kind, message, location=location, type="vcr",
                 subtype=subtype)
    get_domain(env).record(env.docname, Record(
        location=location, line=line, kind=kind, status=ERROR, subtype=subtype,
        message=message, method="", points=0, max_error=0.0, claims=0, seconds=0.0,
        language=current_language()))


def setup_domain(app: Sphinx) -> None:
    app.add_domain(VcrDomain)

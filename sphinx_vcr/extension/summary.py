"""The end of the build: one summary line, and the exit status.

Setting ``app.statuscode`` here, in the main process after every worker's outcomes are
merged, is what makes plain, ``-W``, ``-j N`` and incremental builds agree (a directive
setting it would be lost in a parallel worker). Failures of documents that were not
re-read in an incremental build are reported again, so a non-zero exit always comes
with its reason.
"""

from __future__ import annotations

from collections import Counter

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.outcome import ERROR, FAILED, SKIPPED, VERIFIED
from .domain import get_domain
from .i18n import _, current_language, speaking

logger = logging.getLogger(__name__)

def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # The documents this build reads, noted on the environment in the main process
    # (where this event fires); it is replaced at the start of every build.
    env.vcr_fresh_docs = set(docnames)  # type: ignore[attr-defined]
    env.vcr_stop = False  # type: ignore[attr-defined]  # vcr_fail_fast: nothing failed yet


def _finished(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.env is None:
        return
    domain = get_domain(app.env)
    counts: Counter[str] = Counter()
    claims = 0
    fresh = getattr(app.env, "vcr_fresh_docs", set())
    for docname, record in domain.all_records():
        counts[record["status"]] += 1
        claims += record["claims"]
        if record["status"] in (FAILED, ERROR) and docname not in fresh:
            # In the language of the message (its page's); a record pickled before
            # records had one is in the project's.
            with speaking(record.get("language") or current_language()):
                message = _("{message} (not re-read in this build)").format(
                    message=record["message"])
            logger.error("[vcr.%s] %s", record["kind"], message,
                         location=record["location"], type="vcr", subtype=record["subtype"])
    if not counts:
        return
    errors = (_("{count} error") if counts[ERROR] == 1 else _("{count} errors")).format(
        count=counts[ERROR])
    # The claims beside the directives: a derivation of five steps is five claims, and
    # a directive with no :expect: none, so the directives alone say little of how much
    # of the text is checked.
    claimed = (_("{count} claim") if claims == 1 else _("{count} claims")).format(
        count=claims)
    line = _("{verified} verified ({claims}), {failed} failed, {errors}").format(
        verified=counts[VERIFIED], claims=claimed, failed=counts[FAILED], errors=errors)
    if counts[SKIPPED]:
        line = _("{summary} ({skipped} not checked: vcr_fail_fast stopped at the first "
                 "failure)").format(summary=line, skipped=counts[SKIPPED])
    # The tool's name stays as it is, for whoever searches a CI log for it.
    logger.info("sphinx-vcr: %s", line)
    if (counts[FAILED] or counts[ERROR]) and app.config.vcr_fail_build:
        app.statuscode = 1


def setup_summary(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _before_read)
    app.connect("build-finished", _finished)

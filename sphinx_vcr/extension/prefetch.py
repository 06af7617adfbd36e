"""Before reading: verify ahead in parallel builds, fork the worker of serial ones.

Sphinx's ``-j N`` reads pages in a few large chunks, so the slowest chunk sets the
pace and one worker often ends up checking alone. Here, in the main process just before
reading starts, the directives of the pages to be read are found in their source
(:mod:`..core.language.scan`) and checked by N worker processes that each take the next
directive as soon as they are free. The outcomes land in the memo that Sphinx's own
reading workers inherit when they are forked, and in the cache; reading then finds them
ready. Outcomes are a pure function of a directive's text and the settings, so this
changes when they are computed, never what they are. Each page's directives are
checked in the language of its words (a page's ``:vcr-language:``, read as
:mod:`.language` reads it when the page is read), which is part of the settings. A
timeout found here is memoised too, so reading reports it without paying for it again.

In a serial build, the same scan tells whether any directive needs computing; if one
does, the process that will compute it (:mod:`..core.running.worker`) is forked now, while the
build is small: it shares less of the build's memory, and copies less of it later. A
rebuild served by the cache forks none. And a build that cannot limit its directives'
time says so, once: one run from a thread other than the main one, where there is no
``fork`` to compute in a worker process and signals cannot reach it.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core.language import scan
from ..core.records import Settings
from ..core.running import verify, worker
from ..core.running.cache import OutcomeCache
from . import config, language
from .i18n import _

logger = logging.getLogger(__name__)


def _before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Check ahead in a parallel build; in a serial one, fork the worker now if any
    directive will need it (a rebuild served by the cache forks none)."""
    _warn_if_unlimited(docnames)
    if not docnames or not worker.available():
        return
    found = scan_pages(app, env, docnames)
    cache = config.outcome_cache(app.config, env.doctreedir)
    if app.parallel >= 2:
        if not app.config.vcr_fail_fast:
            _prefetch(found, cache, app.parallel)
    elif any(verify.missing_from(directives, settings, cache)
             for settings, directives in found.items()):
        worker.start()


def scan_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]
               ) -> dict[Settings, list[scan.Found]]:
    """The directives of the reStructuredText pages to be read, found in their source,
    by the settings they are checked with: each page's own language (read from its
    source by the very function that reading uses, :func:`.language.read`), so that
    reading finds the outcome under the same key."""
    found: dict[Settings, list[scan.Found]] = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".rst":
            continue
        try:
            text = path.read_text(encoding=app.config.source_encoding)
        except (OSError, UnicodeDecodeError):
            continue  # reading the page reports it
        page = language.read(text, False, config.project_language(app.config))
        settings = config.settings(app.config, page.language)
        found.setdefault(settings, []).extend(scan.directives(text))
    return found


def _prefetch(found: dict[Settings, list[scan.Found]], cache: OutcomeCache | None,
              processes: int) -> None:
    count = 0
    # One language after another: the core's prefetch checks with one set of settings.
    for settings, directives in found.items():
        try:
            count += verify.prefetch(directives, settings, cache, processes)
        except Exception as err:  # only an optimisation: reading computes what is missing
            logger.debug("sphinx-vcr: prefetch stopped: %r", err)
            break
    if count:
        logger.info("sphinx-vcr: " + _("checked %d directives in %d processes"), count,
                    processes)


#: Whether this process has said that its directives run without a time limit.
_warned_unlimited = False


def _warn_if_unlimited(docnames: list[str]) -> None:
    global _warned_unlimited
    if docnames and not _warned_unlimited and not worker.limited():
        _warned_unlimited = True
        logger.warning(_("directives are checked without a time limit (vcr_timeout): "
                         "this build runs outside the main thread, and this platform "
                         "cannot fork worker processes"), type="vcr", subtype="timeout")


def setup_prefetch(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _before_reading)

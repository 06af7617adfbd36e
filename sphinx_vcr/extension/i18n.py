"""Translations: the extension's words, in the language of the page or of the project.

The ``sphinx_vcr`` message catalog ships in ``sphinx_vcr/locales`` (updated with
``python -m sphinx_vcr.locales``). The Sphinx layer translates with :func:`_`: in the
language of the page being read inside :func:`speaking` (a page's ``:vcr-language:``,
see :mod:`.language`), and in the project's ``language`` elsewhere (the summary, the
messages about configuration and reports).

The catalogs are loaded here, with :mod:`gettext`, rather than registered with Sphinx:
Sphinx keeps the first language it loads in a process for the whole process, so a
Chinese page of an English project (or a second project built in the same process)
would get the wrong words. The pure core, which cannot import Sphinx, gets the same
catalogs through :func:`..core.words.install`, every language at ``config-inited``:
before any directive is checked and before ``-j`` forks its workers (or the prefetch
its processes), which inherit them.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from ..core import words

CATALOG = "sphinx_vcr"
LOCALES = Path(__file__).resolve().parent.parent / "locales"

#: Marks text kept in constants for extraction; it is translated with :func:`_` on use.
N_ = words.N_

#: The project's ``language`` (set at ``config-inited``, inherited by forked workers).
_project = words.DEFAULT_LANGUAGE
#: The language of the page whose words are being written, inside :func:`speaking`.
_page: ContextVar[str | None] = ContextVar("sphinx_vcr_page_language", default=None)


@cache
def languages() -> tuple[str, ...]:
    """The languages sphinx-vcr has words in: English, and each shipped catalog's."""
    shipped = sorted(path.parent.parent.name
                     for path in LOCALES.glob(f"*/LC_MESSAGES/{CATALOG}.mo"))
    return (words.DEFAULT_LANGUAGE, *shipped)


@cache
def translator(language: str) -> Callable[[str], str]:
    """The catalog's gettext for ``language`` (English words if it has none).

    One function per language for the life of the process: the core's workers are
    restarted when a language's translator changes (:meth:`..core.running.worker.
    Worker.fits`), and the core caches outcomes on disk by language, so its translator
    must be exactly that language's.
    """
    return gettext.translation(CATALOG, LOCALES, languages=[language],
                               fallback=True).gettext


def project_language() -> str:
    """The project's ``language`` (English before the configuration is read)."""
    return _project


def current_language() -> str:
    """The language words are written in now: the page's, else the project's."""
    return _page.get() or _project


def _(message: str) -> str:
    """``message`` (a fixed English template) in :func:`current_language`."""
    # gettext("") is the catalog's header, never a translation.
    if not message:
        return message
    return translator(current_language())(message) or message


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write the words of both layers (this one's and the core's) in ``language``."""
    token = _page.set(language)
    try:
        with words.speaking(language):
            yield
    finally:
        _page.reset(token)


def _install(app: Sphinx, config: Config) -> None:
    global _project
    _project = config.language or words.DEFAULT_LANGUAGE
    # Every language a page may ask for, and the project's (which may have no catalog:
    # its words are then English, from the same fallback).
    for language in {*languages(), _project}:
        words.install(language, translator(language))


def setup_i18n(app: Sphinx) -> None:
    app.connect("config-inited", _install)

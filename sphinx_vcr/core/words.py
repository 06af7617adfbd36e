"""The core's words in the reader's language, through a gettext hook free of Sphinx.

Every sentence the core writes (messages, badges, the words inside rendered math) is a
fixed English template passed through :func:`_` and then filled in with
``str.format``: the template is the gettext msgid, and the values (expressions, points,
numbers) are never translated. Text kept in module constants is marked with
:func:`N_` so that it is extracted, and translated with :func:`_` when it is used.

The Sphinx layer calls :func:`install` with a translator for its project's language (the
``sphinx_vcr`` message catalog); :func:`speaking` chooses the language while one
outcome is computed. The language is one of the verification ``Settings``, so an
outcome stays a pure function of a directive's text and its settings, as the memo and
the cache assume: an English outcome is never served to a Chinese build or the
reverse. With no translator installed for a language, the English text is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_LANGUAGE = "en"

#: Translators by language (``config.language``). Kept by language rather than as one
#: current translator so that a process that checks for several projects (a test run)
#: cannot give one language's words to another's outcome.
_translators: dict[str, Callable[[str], str]] = {}
_language: ContextVar[str] = ContextVar("sphinx_vcr_language", default=DEFAULT_LANGUAGE)


def install(language: str, translate: Callable[[str], str]) -> None:
    """Use ``translate`` (a gettext function) for the words of ``language``."""
    _translators[language] = translate


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write the core's words in ``language`` inside the block."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    """``message`` (a fixed English template) in the current language."""
    translate = _translators.get(_language.get())
    # gettext("") is the catalog's header, never a translation.
    if translate is None or not message:
        return message
    return str(translate(message)) or message


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated later with :func:`_`."""
    return message

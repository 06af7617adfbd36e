"""Translations: the extension's words through Sphinx's gettext catalogs.

The ``sphinx_vcr`` message catalog ships in ``sphinx_vcr/locales`` (updated with
``python -m sphinx_vcr.locales``) and follows the project's ``language``, as Sphinx's
own words do. The Sphinx layer translates with :data:`_`, the catalog registered with
Sphinx. The pure core, which cannot import Sphinx, gets the same catalog through
:func:`..core.words.install` at ``config-inited``: before any directive is checked and
before ``-j`` forks its workers (or the prefetch its processes), which inherit it.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translation

from ..core import words

CATALOG = "sphinx_vcr"
LOCALES = Path(__file__).resolve().parent.parent / "locales"

#: The Sphinx layer's gettext: words shown in pages and in the build's output.
_ = get_translation(CATALOG)
#: Marks text kept in constants for extraction; it is translated with :data:`_` on use.
N_ = words.N_


def translator(language: str) -> Callable[[str], str]:
    """The catalog's gettext for ``language`` (English words if it has none).

    Loaded here rather than taken from Sphinx's registry, which keeps the first
    language loaded in a process: the core caches outcomes on disk by language, so its
    translator must be exactly that language's.
    """
    return gettext.translation(CATALOG, LOCALES, languages=[language],
                               fallback=True).gettext


def _install(app: Sphinx, config: Config) -> None:
    language = config.language or words.DEFAULT_LANGUAGE
    words.install(language, translator(language))


def setup_i18n(app: Sphinx) -> None:
    app.add_message_catalog(CATALOG, LOCALES)
    app.connect("config-inited", _install)

"""The stylesheets of the nodes: ``vcr.css`` for HTML builders, ``sphinxvcr.sty`` for LaTeX.

Each builder gets only its own file, registered with the builder and copied into its
output when the builder starts. Nothing is added to ``html_static_path``: a configuration
value changed by an extension differs from the pickled one on every rebuild, so Sphinx
said "The configuration has changed" and wrote every page again each time (and copied
the LaTeX file into HTML's ``_static``). A project's own ``_static/vcr.css`` is copied
after this one, so it wins.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from ..core.running.cache import write_atomically
from .i18n import _

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
CSS = "vcr.css"
LATEX_PACKAGE = "sphinxvcr"


def _add_assets(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file(CSS)
        _copy(STATIC / CSS, Path(app.outdir) / "_static" / CSS)
    elif app.builder.format == "latex":
        app.add_latex_package(LATEX_PACKAGE)
        _copy(STATIC / f"{LATEX_PACKAGE}.sty", Path(app.outdir) / f"{LATEX_PACKAGE}.sty")


def _copy(source: Path, target: Path) -> None:
    try:
        write_atomically(target, source.read_bytes(), mode=0o666)
    except OSError as err:
        logger.warning(_("cannot copy %s to %s: %s"), source, target, err, type="vcr",
                       subtype="static")


def setup_assets(app: Sphinx) -> None:
    app.connect("builder-inited", _add_assets)

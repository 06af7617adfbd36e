"""The stylesheets of the nodes: ``vcr.css`` for HTML builders, ``sphinxvcr.sty`` for LaTeX.

The math itself needs one package beyond amsmath: ``cancel``, for the crossed-out step of
a ``:mistake:`` derivation. ``sphinxvcr.sty`` loads it for LaTeX/PDF, MathJax (3 and 4)
loads it on first use and KaTeX has it built in; imgmath typesets every block with only
its configured preamble, so the package is added to that (see :func:`_imgmath`).

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
from sphinx.config import Config
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


#: What imgmath's preamble needs for our math.
IMGMATH_PACKAGES = r"\usepackage{cancel}"


def _imgmath(app: Sphinx, config: Config) -> None:
    """Add our packages to imgmath's preamble, if imgmath is loaded.

    Done when the configuration is read, before the environment compares it with the
    pickled one: the stored value then has the same addition, so a rebuild sees no
    change (a change made later would be new on every build).
    """
    if "imgmath_latex_preamble" not in config:
        return
    preamble = config.imgmath_latex_preamble or ""
    if IMGMATH_PACKAGES not in preamble:
        config.imgmath_latex_preamble = (f"{preamble}\n{IMGMATH_PACKAGES}" if preamble
                                         else IMGMATH_PACKAGES)


def setup_assets(app: Sphinx) -> None:
    app.connect("builder-inited", _add_assets)
    app.connect("config-inited", _imgmath)

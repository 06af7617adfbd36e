"""Projects built by a test and opened in Chromium, with MathJax 3 from the same server.

MathJax has to be at a URL the pages name when they are built, so the loopback server
is started first; each build is then linked into the served folder under its name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

from ..building import build
from . import chromium


class Site:
    """The folder ``root / "www"`` served at ``url``: ``mathjax/`` and the builds."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url

    def build(self, src: Path, name: str, **overrides: Any) -> SphinxTestApp:
        """``src`` built into ``root / "build" / name`` with MathJax from this server,
        and served as ``name/``."""
        app = build(src, self.root / "build" / name,
                    mathjax_path=f"{self.url}/mathjax/tex-chtml.js", **overrides)
        (self.root / "www" / name).symlink_to(app.outdir)
        return app

    def dom(self, page: str) -> str:
        """The DOM of ``page`` (a path below ``www``) after MathJax ran."""
        return chromium.rendered_dom(f"{self.url}/{page}", self.root / "profile")

    def screenshot(self, page: str, path: Path, **size: str) -> None:
        """A PNG of ``page`` as the browser shows it."""
        chromium.screenshot(f"{self.url}/{page}", path, self.root / "profile", **size)


@contextlib.contextmanager
def site(root: Path) -> Iterator[Site]:
    """A :class:`Site` in ``root``, served while the block runs."""
    www = root / "www"
    www.mkdir(parents=True)
    (www / "mathjax").symlink_to(chromium.mathjax())
    with chromium.serve(www) as url:
        yield Site(root, url)

"""Projects built by a test and opened in Chromium, with MathJax 3 from the same server.

MathJax has to be at a URL the pages name when they are built, so the loopback server
is started first; each build is then linked into the served folder under its name. The
pages are opened in the test process's one Chromium (:func:`.devtools.page`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

from ..building import build
from . import chromium, devtools

#: Evaluated in a page: its DOM once MathJax (if it loaded) has typeset it and the fonts
#: it asked for are in, two frames later (the layout a screenshot shows).
SETTLED = """(async () => {
  const MJ = window.MathJax;
  if (MJ && MJ.startup && MJ.startup.promise) await MJ.startup.promise;
  if (document.fonts) await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return document.documentElement.outerHTML;
})()"""


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
        with devtools.page(f"{self.url}/{page}", self.url) as tab:
            return tab.evaluate(SETTLED)

    def screenshot(self, page: str, path: Path, size: str = "1100,2600") -> None:
        """A PNG of ``page`` as a window of ``size`` (``"width,height"``) shows it."""
        width, height = (int(number) for number in size.split(","))
        with devtools.page(f"{self.url}/{page}", self.url, width=width,
                           height=height) as tab:
            tab.command("Emulation.setScrollbarsHidden", hidden=True)
            tab.evaluate(SETTLED)
            tab.screenshot(path, whole=False)


@contextlib.contextmanager
def site(root: Path) -> Iterator[Site]:
    """A :class:`Site` in ``root``, served while the block runs."""
    www = root / "www"
    www.mkdir(parents=True)
    (www / "mathjax").symlink_to(chromium.mathjax())
    with chromium.serve(www) as url:
        yield Site(root, url)

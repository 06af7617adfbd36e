"""One Sphinx build of a project written by a test, its messages kept for the asserts.

The tests that make their own project (a copy of the chapter, a page of mutants, a root
with a page added) build it the same way: from scratch, output captured, the app cleaned
up even when the build raises. ``@pytest.mark.sphinx`` does this for the plain roots.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp


def build(srcdir: Path, builddir: Path | None = None, *, builder: str = "html",
          parallel: int = 0, **confoverrides: Any) -> SphinxTestApp:
    """``srcdir`` built afresh into ``builddir`` (default ``srcdir / "_build"``), with
    ``confoverrides`` for conf.py's values; ``app.status`` and ``app.warning`` hold what
    the build said, ``app.statuscode`` its exit status."""
    app = SphinxTestApp(builder, srcdir=srcdir, builddir=builddir, freshenv=True,
                        parallel=parallel, status=StringIO(), warning=StringIO(),
                        confoverrides=confoverrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app

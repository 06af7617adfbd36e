"""Build the worked chapter as a one-page project that loads MathJax from ``base_url``.

Also a script: ``python -m tests.browser.build_chapter PNG`` writes a screenshot of the
rendered chapter (the one kept in the docs and shown in the README).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHAPTER = DOCS / "chapter" / "vector-chain-rule.zh.rst"


def build(root: Path, base_url: str) -> SphinxTestApp:
    """Build the chapter into ``root / "site"``; MathJax is expected at ``base_url``."""
    src = root / "src"
    src.mkdir(parents=True)
    shutil.copy(CHAPTER, src / "index.rst")
    shutil.copy(DOCS / "refs.bib", src / "refs.bib")
    shutil.copytree(DOCS / "_static", src / "_static")  # the chapter's figure
    (src / "conf.py").write_text('project = "sphinx-vcr"\n'
                                 'extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]\n'
                                 'bibtex_bibfiles = ["refs.bib"]\n'
                                 'html_theme = "furo"\n'
                                 'language = "zh_CN"\n', encoding="utf8")
    app = SphinxTestApp("html", srcdir=src, builddir=root / "build", freshenv=True,
                        status=StringIO(), warning=StringIO(),
                        confoverrides={"mathjax_path": f"{base_url}/mathjax/tex-chtml.js"})
    try:
        app.build()
    finally:
        app.cleanup()
    site = root / "site"
    shutil.copytree(app.outdir, site)
    return app


def main(target: str) -> None:
    from . import chromium

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        (root / "www" / "mathjax").symlink_to(chromium.mathjax())
        with chromium.serve(root / "www") as url:
            build(root, url)
            (root / "www" / "chapter").symlink_to(root / "site")
            chromium.screenshot(f"{url}/chapter/index.html", Path(target).resolve(),
                                root / "profile", size="1000,1500")


if __name__ == "__main__":
    main(sys.argv[1])

"""The worked chapter as a one-page project in Chinese, for a browser to open.

Also a script: ``python -m tests.browser.build_chapter PNG`` writes a screenshot of the
rendered chapter (the one kept in the docs and shown in the README).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
CHAPTER = DOCS / "chapter" / "vector-chain-rule.zh.rst"


def source(root: Path) -> Path:
    """The project at ``root / "src"``: the chapter as its index, with its references and
    figure, the furo theme and ``language = "zh_CN"``."""
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
    return src


def main(target: str) -> None:
    from .served import site

    with tempfile.TemporaryDirectory() as tmp, site(Path(tmp)) as served:
        served.build(source(Path(tmp)), "chapter")
        served.screenshot("chapter/index.html", Path(target).resolve(), size="1000,1500")


if __name__ == "__main__":
    main(sys.argv[1])

"""Math with no network: the docs built as the README says load MathJax from the build,
typeset every formula offline, with MathJax 3 (theirs) and Sphinx's default MathJax 4, and
no badge lies over a formula, typeset or shown as raw TeX when MathJax fails to load.

Each page is opened in headless Chromium with every request to another host refused
(:mod:`.devtools`); ``probe.js`` measures the laid-out page. Pages are looked at 1000
pixels wide and 420 (a phone), where long formulas must scroll inside their own box.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ..building import build
from ..conftest import ROOTS
from .chromium import mathjax4
from .offline import (
    MATHJAX_FOLDER,
    SPHINX_MATHJAX4,
    assert_apart,
    assert_offline,
    assert_typeset,
    build_docs,
    look,
    mathjax4_cdn,
)

CHAPTER = "chapter/vector-chain-rule.zh.html"
WIDTHS = [1000, 420]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``html``: the docs as the README's command builds them; ``html4``: the same with
    Sphinx's default MathJax 4 (only the pages are written again: the doctrees are kept)."""
    root = tmp_path_factory.mktemp("docs")
    build_docs(root / "html")
    shutil.copytree(root / "html" / ".doctrees", root / "html4" / ".doctrees")
    build_docs(root / "html4", "-D", f"mathjax_path={SPHINX_MATHJAX4}")
    return root


def _loads(html: str) -> list[str]:
    """What a page makes the browser load (scripts, styles, images, frames), not links."""
    return re.findall(r'<(?:script|link|img|iframe|source|embed|object)\b[^>]*?'
                      r'\b(?:src|href|data)="([^"]*)"', html)


def test_every_page_loads_mathjax_and_all_else_from_the_build(docs: Path) -> None:
    site = docs / "html"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        outside = [url for url in _loads(page.read_text(encoding="utf8"))
                   if re.match(r"(?:[a-z]+:)?//", url)]
        assert outside == [], f"{page.relative_to(site)} loads {outside}"
    chapter = (site / CHAPTER).read_text(encoding="utf8")
    mathjax = [url for url in _loads(chapter) if "mathjax" in url]
    assert [url.split("?")[0] for url in mathjax] == ["../_static/mathjax/tex-chtml.js"]
    served = (site / "_static" / "mathjax" / "tex-chtml.js").read_text(encoding="utf8")
    assert re.search(r'\.VERSION="3\.\d+\.\d+"', served)  # MathJax 3, whole


@pytest.mark.parametrize("width", WIDTHS)
def test_the_chapter_typesets_offline_with_mathjax_3_from_the_build(
        browser, docs: Path, width: int) -> None:
    seen = look(docs / "html", CHAPTER, width=width)
    assert_offline(seen)
    assert seen.probe["mathjax"].startswith("3.")
    assert any(MATHJAX_FOLDER + "tex-chtml.js" in url for url in seen.served)
    assert_typeset(seen, (docs / "html" / CHAPTER).read_text(encoding="utf8"))
    assert_apart(seen)
    if width < 500:
        assert any(formula["wide"] for formula in seen.ours), "nothing to scroll at 420 px"


# One width: the phone width's scrolling and badges are the MathJax 3 tests' (each
# MathJax 4 typesetting of the chapter costs about a minute of the suite's time).
@pytest.mark.parametrize("width", WIDTHS[:1])
def test_the_chapter_typesets_with_sphinx_default_mathjax_4(
        browser4, docs: Path, width: int) -> None:
    seen = look(docs / "html4", CHAPTER, width=width, cdn=mathjax4_cdn())
    assert_offline(seen)
    assert seen.probe["mathjax"].startswith("4.")
    assert_typeset(seen, (docs / "html4" / CHAPTER).read_text(encoding="utf8"))
    assert_apart(seen)


@pytest.mark.parametrize("width", WIDTHS)
def test_badges_keep_off_the_raw_tex_when_mathjax_does_not_load(
        browser, docs: Path, width: int) -> None:
    seen = look(docs / "html", CHAPTER, width=width, broken=(MATHJAX_FOLDER,))
    assert_offline(seen)
    assert seen.probe["mathjax"] is None
    assert seen.ours and not any(formula["typeset"] for formula in seen.ours)
    assert len(seen.probe["raw"]) >= len(seen.ours)  # the TeX is there, as text
    assert_apart(seen)


def _build_long_page(root: Path, name: str, **overrides: object) -> Path:
    """tests/roots/test-long-formula built into ``root / name``."""
    src = root / "src" / name
    shutil.copytree(ROOTS / "test-long-formula", src)
    app = build(src, root / "build" / name, vcr_fail_build=False, **overrides)
    shutil.copytree(app.outdir, root / name)
    return root / name


@pytest.fixture(scope="module")
def long_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The long page built twice: ``mathjax3`` with its conf.py (the recipe of
    docs/output.rst) and ``mathjax4`` with Sphinx's default MathJax 4."""
    root = tmp_path_factory.mktemp("long")
    _build_long_page(root, "mathjax3")
    _build_long_page(root, "mathjax4", mathjax_path=SPHINX_MATHJAX4)
    return root


def test_the_recipe_serves_mathjax_from_the_build(long_page: Path) -> None:
    html = (long_page / "mathjax3" / "index.html").read_text(encoding="utf8")
    mathjax = [url for url in _loads(html) if "mathjax" in url]
    assert [url.split("?")[0] for url in mathjax] == ["_static/mathjax/tex-chtml.js"]
    assert (long_page / "mathjax3" / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "vcr-failed" in html and r"\cancel{" in html


@pytest.mark.parametrize(("mathjax", "width", "broken"), [
    ("mathjax3", 1000, False), ("mathjax3", 420, False), ("mathjax4", 420, False),
    ("mathjax3", 1000, True), ("mathjax3", 420, True)])
def test_long_formulas_scroll_inside_their_box_in_a_theme_without_one(
        browser4, long_page: Path, mathjax: str, width: int,
        broken: bool) -> None:
    """Alabaster puts math straight in the page: only vcr.css keeps a long formula from
    running off it, and a failure box's long expression from overflowing."""
    html = (long_page / mathjax / "index.html").read_text(encoding="utf8")
    seen = look(long_page / mathjax, "index.html", width=width,
                cdn=mathjax4_cdn() if mathjax == "mathjax4" else None,
                broken=(MATHJAX_FOLDER,) if broken else ())
    assert_offline(seen)
    if broken:
        assert not any(formula["typeset"] for formula in seen.ours)
    else:
        assert seen.probe["mathjax"][0] == mathjax[-1]
        assert_typeset(seen, html)
    assert_apart(seen)
    # Typeset, a long formula is wider than a phone in any font, so the check above
    # really saw one scroll. Raw TeX (MathJax broken) wraps at its spaces: whether one
    # of its words is wider than the box depends on the machine's fallback font.
    if width < 500 and not broken:
        assert any(formula["wide"] for formula in seen.ours)


def test_the_mathjax_4_recipe_needs_no_network_either(browser4, tmp_path: Path) -> None:
    """The second recipe of docs/output.rst: npm's MathJax 4 and its font copied into
    _static, the font's path given (by default MathJax 4 fetches it from a CDN)."""
    site = _build_long_page(
        tmp_path, "site", html_static_path=[str(mathjax4())],
        mathjax_path="mathjax/tex-mml-chtml.js",
        mathjax3_config={"loader": {"paths": {"fonts": "[mathjax]/../@mathjax"}}})
    seen = look(site, "index.html", width=420)
    assert_offline(seen)
    assert any("/_static/@mathjax/mathjax-newcm-font/" in url for url in seen.served)
    assert seen.probe["mathjax"].startswith("4.")
    assert_typeset(seen, (site / "index.html").read_text(encoding="utf8"))
    assert_apart(seen)

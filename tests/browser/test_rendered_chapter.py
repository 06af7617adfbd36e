"""The worked chapter in a real browser: every formula typeset, no MathJax error."""

from __future__ import annotations

import re

import pytest

from .build_chapter import source
from .served import site


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    with site(root) as served:
        app = served.build(source(root), "chapter")
        dom = served.dom("chapter/index.html")
        shot = root / "chapter.png"
        served.screenshot("chapter/index.html", shot)
    source_html = (app.outdir / "index.html").read_text(encoding="utf8")
    return app, source_html, dom, shot


def test_the_chapter_builds_clean(page):
    app, _, _, _ = page
    assert app.statuscode == 0, app.warning.getvalue()
    assert "WARNING" not in app.warning.getvalue() and "ERROR" not in app.warning.getvalue()


def test_every_formula_is_typeset_without_errors(page):
    _, source, dom, _ = page
    formulas = len(re.findall(r'class="math notranslate nohighlight"', source))
    assert formulas >= 60
    typeset = len(re.findall(r"<mjx-container", dom))
    assert typeset == formulas, f"{typeset} of {formulas} formulas typeset"
    assert "<mjx-merror" not in dom and "data-mjx-error" not in dom
    # MathJax shows unknown macros in red as their source text
    assert not re.search(r'<mjx-mtext[^>]*style="color: red', dom)


def test_badges_and_mistakes_are_visible(page):
    _, _, dom, shot = page
    assert dom.count("vcr-badge vcr-verified") >= 25
    assert dom.count("vcr-badge vcr-mistake") >= 4
    assert "vcr-failed" not in dom
    assert shot.stat().st_size > 20_000  # a real picture, not a blank page


def test_a_chinese_reader_gets_chinese_badges(page):
    """The chapter is built with language = "zh_CN": badges come from the zh_CN catalog."""
    _, _, dom, _ = page
    verified = re.findall(r'class="vcr-badge vcr-verified">([^<]*)<', dom)
    mistakes = re.findall(r'class="vcr-badge vcr-mistake">([^<]*)<', dom)
    assert verified and all(text.startswith("已验证：") for text in verified)
    # A box with :reason: shows the author's reason (Chinese in the chapter), not the message.
    assert mistakes and all(text.startswith("已知错误，已确认不成立：")
                            or re.search("[\u4e00-\u9fff]", text) for text in mistakes)
    assert "Verified:" not in dom and "Known mistake" not in dom

"""``vcr_cjk_join``: hard-wrapped Chinese lines join with no stray space
(extension/cjk.py).

The project ``test-cjk-join`` wraps Chinese text across lines in a paragraph, around
inline math, strong text and inline code, beside curly quotes and Latin words, in a
list item and a note, in a literal block and a math block, in Korean, and in a MyST
page. With the option on, only the breaks between two CJK characters go; everything
else keeps its line break exactly; with it off (the default) nothing changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.extension.cjk import _join_block, joined

from ..conftest import copy_root


def build(src, **overrides):
    app = SphinxTestApp("html", srcdir=src, confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.statuscode == 0, app.warning.getvalue()
    return app


def body(app, name: str = "index") -> str:
    html = (app.outdir / f"{name}.html").read_text(encoding="utf8")
    return html[html.index("<h1"):html.index("</section>")]


#: (what the page shows joined, and what it shows as written, line breaks and all)
JOINED = [
    ("<p>本章整理深度学习中最常用的矩阵微积分，从标量的求导法则出发。</p>",
     "<p>本章整理深度学习中最常用的矩阵微积分，\n从标量的求导法则出发。</p>"),
    # Across inline markup: strong text at the end of one line and the start of the next.
    ("再看 <strong>每一项</strong>怎样变化；", "再看 <strong>每一项</strong>\n怎样变化；"),
    ("<li><p>列表项的第一行，第二行。</p></li>", "<li><p>列表项的第一行，\n第二行。</p></li>"),
    ("<p>提示的第一行，第二行。</p>", "<p>提示的第一行，\n第二行。</p>"),
    # A curly quote shared with English joins beside a CJK character.
    ("<p>原稿写法见“原稿”的第三节\n", "<p>原稿写法见\n“原稿”的第三节\n"),
    # Full-width punctuation carries its own space: its break goes, beside math or
    # code too (which are not changed).
    ('中文 with one space，<span class="math notranslate nohighlight">\\(x\\)</span>',
     '中文 with one space，\n<span class="math notranslate nohighlight">\\(x\\)</span>'),
    ('自带空白（<code class="docutils literal notranslate"><span class="pre">code</span>'
     '</code>',
     '自带空白（\n<code class="docutils literal notranslate"><span class="pre">code</span>'
     '</code>'),
]
#: Shown as written whether or not the option is on.
KEPT = [
    # Beside math, code and Latin words a break stays: one space.
    '\\(f(x)\\)</span>\n的表达式',
    '<span class="pre">代码</span></code>\n那样。</p>',
    "的第三节\nLatin text joins\n中文 with one space，",
    # Literal and math blocks keep their lines; Korean keeps its word spaces.
    "代码块第一行\n代码块第二行",
    "\\text{数学第一行}\n\\text{数学第二行}",
    "<p>한국어 문장은\n띄어 씁니다.</p>",
]


@pytest.mark.parametrize("on", [True, False])
def test_breaks_between_cjk_characters_join_when_asked(on, tmp_path):
    src = copy_root("cjk-join", tmp_path)
    app = build(src, **({"vcr_cjk_join": True} if on else {}))
    html = body(app)
    for join, written in JOINED:
        assert (join if on else written) in html, (join, written)
        assert (written if on else join) not in html, (join, written)
    for kept in KEPT:
        assert kept in html, kept
    assert ("本页用 Markdown 书写，硬换行同样不留空格。" in body(app, "markdown")) is on
    # The directives are untouched either way.
    assert "Verified: index-free form derived, verified symbolically" in html


def test_turning_it_on_rereads_every_page(tmp_path):
    src = copy_root("cjk-join", tmp_path)
    app = build(src)
    assert "微积分，\n从标量" in body(app)
    app = build(src, vcr_cjk_join=True)  # the same build directory: a rebuild
    assert "微积分，从标量" in body(app) and "书写，硬换行" in body(app, "markdown")
    app = build(src)
    assert "微积分，\n从标量" in body(app)


@pytest.mark.parametrize("text, expected", [
    ("中文\n中文", "中文中文"),
    ("中文  \n   中文", "中文中文"),
    ("句号。\n「引号」", "句号。「引号」"),
    ("全角，\n逗号", "全角，逗号"),
    ("全角，\nLatin", "全角，Latin"),  # full-width punctuation has its own space
    ("x\n（注）", "x（注）"),
    ("数字 1\n。", "数字 1。"),
    ("，\n\n中", "，\n\n中"),
    ("かな\nカナ", "かなカナ"),
    ("中文\nLatin", "中文\nLatin"),
    ("Latin\n中文", "Latin\n中文"),
    ("数字 1\n二", "数字 1\n二"),
    ("中文\n\u3000缩进", "中文\u3000缩进"),  # an ideographic space is text, kept
    ("见\n“原稿”", "见“原稿”"),
    ("“原稿”\n说", "“原稿”说"),
    ("”\n“", "”\n“"),  # shared punctuation alone on both sides: maybe English
    ("English “quote”\ncontinues", "English “quote”\ncontinues"),
    ("한국어\n문장", "한국어\n문장"),
    ("中文\n\n中文", "中文\n\n中文"),  # never across a blank line
    ("𠀀\n中", "𠀀中"),  # beyond the Basic Multilingual Plane
])
def test_what_joins(text, expected):
    assert joined(text) == expected


def test_a_break_at_the_edge_of_a_text_is_judged_by_its_neighbours():
    assert joined("\n", "粗", "体") == ""
    assert joined("中文\n", "", "体") == "中文"
    assert joined("\n中文", "x", "") == "\n中文"
    assert joined("中文\n", "", "\ufffc") == "中文\n"  # verbatim text beyond the break
    assert joined("中文，\n", "", "\ufffc") == "中文，"


def test_equal_texts_of_a_paragraph_are_each_joined_in_place():
    """Two texts of one paragraph that are equal strings, the first kept (between
    code), the second joined (before strong text): each is changed where it is."""
    document = publish_doctree("``a``\n甲\n``b``\n甲\n**乙**\n")
    paragraph = document[0]
    _join_block(paragraph)
    assert paragraph.astext() == "a\n甲\nb\n甲乙"
    assert [str(child) for child in paragraph.children if isinstance(child, nodes.Text)] == [
        "\n甲\n", "\n甲"]


def test_the_docs_set_it():
    """The worked chapter is hard-wrapped Chinese."""
    conf: dict = {}
    path = Path(__file__).resolve().parents[2] / "docs" / "conf.py"
    exec(compile(path.read_text(encoding="utf8"), str(path), "exec"), conf)
    assert conf["vcr_cjk_join"] is True


def test_the_option_is_documented_with_its_default():
    from sphinx_vcr.extension.config import CONFIG_VALUES

    (default,) = [d for name, d, _, _ in CONFIG_VALUES if name == "vcr_cjk_join"]
    assert default is False
    docs = Path(__file__).resolve().parents[2] / "docs" / "configuration.rst"
    assert re.search(r"``vcr_cjk_join`` \(``False``\)", docs.read_text(encoding="utf8"))

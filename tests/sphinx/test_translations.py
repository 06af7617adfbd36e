"""Translations: the extension's words follow the project's ``language``.

Badges, failure boxes, messages and the summary come from the ``sphinx_vcr`` gettext
catalog (``sphinx_vcr/locales``); English is the default and stays exactly as it was.
The catalog tests keep the shipped files honest: every message of the source has a
Chinese translation with the same placeholders, and the compiled ``.mo`` matches its
``.po``. (After changing a message: ``python -m sphinx_vcr.locales``, translate, run
it again.)
"""

from __future__ import annotations

import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.core import words
from sphinx_vcr.core.outcome import ERROR, FAILED
from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running.verify import check
from sphinx_vcr.locales.__main__ import TEMPLATE, catalogs, extract

from ..conftest import copy_root, shown_type

LOCALES = Path(words.__file__).resolve().parents[1] / "locales"
ZH_PO = LOCALES / "zh_CN" / "LC_MESSAGES" / "sphinx_vcr.po"
CJK = re.compile("[\u4e00-\u9fff]")

PAGE = """\
Translations
============

.. derivative:: x**3
   :wrt: x
   :expect: 3*x**2

.. jacobian::
   :wrt: x, y
   :expect: [[6*x*y, 3*x**2], [2, 7*y**6]]

   f = 3*x**2*y
   g = 2*x + y**8

.. derivative:: foo(x)
   :wrt: x

.. derivative:: x**2
   :wrt: x
   :expect: x
   :mistake:
"""
WRONG_LINE, BAD_LINE = 10, 15  # the jacobian's :expect:, and the directive with foo()


def project(tmp_path: Path, language: str | None) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    conf = 'extensions = ["sphinx_vcr"]\n'
    if language:
        conf += f"language = {language!r}\n"
    (src / "conf.py").write_text(conf, encoding="utf8")
    (src / "index.rst").write_text(PAGE, encoding="utf8")
    return src


def build(src: Path, **kwargs):
    """Build ``src``; each build is cleaned up at once, as if it ran in its own process
    (Sphinx keeps the first language's catalogs for the life of a process)."""
    app = SphinxTestApp("html", srcdir=src, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    return app, app.warning.getvalue(), app.status.getvalue(), html


def errors(warnings: str) -> list[str]:
    return [line for line in warnings.splitlines() if "ERROR" in line]


def test_chinese_project_gets_chinese_words(tmp_path):
    app, warnings, status, html = build(project(tmp_path, "zh_CN"), freshenv=True)
    # Still a failing build, with each problem at its line.
    assert app.statuscode == 1
    wrong, bad = errors(warnings)
    assert re.search(rf"index\.rst:{WRONG_LINE}: ERROR: \[vcr\.jacobian\] 声称的结果在 "
                     r"x=\S+, y=\S+ 处不成立：位置 \(2, 2\) 上的元素是 7\*y\*\*6 -> \S+，"
                     r"而导数是 8\*y\*\*7 -> \S+" + shown_type("mismatch"), wrong), wrong
    assert re.search(rf"index\.rst:{BAD_LINE}: ERROR: \[vcr\.derivative\] 未知函数 'foo'；"
                     r"可用的函数有 exp, log, .*" + shown_type("parse"), bad), bad
    assert "sphinx-vcr: 已验证 2 个（共 2 项声称的结果），失败 1 个，错误 1 个" in status
    assert "已验证：声称的结果已通过符号验证；已在 5 个点上做有限差分检验" in html
    assert "验证失败 [vcr.mismatch]：声称的结果在 x=" in html
    assert "输入错误 [vcr.parse]：未知函数 'foo'" in html
    assert "已知错误，已确认不成立：声称的结果是 x，但导数是 2 * x；声称的结果在 x=" in html
    assert r"\text{（声称的结果）}" in html  # words inside the math, too
    assert "claim" not in html and "Verified" not in html


def test_english_stays_the_default(tmp_path):
    app, warnings, status, html = build(project(tmp_path, None), freshenv=True)
    assert app.statuscode == 1
    wrong, bad = errors(warnings)
    assert re.search(rf"index\.rst:{WRONG_LINE}: ERROR: \[vcr\.jacobian\] claim does not hold "
                     r"at x=\S+, y=\S+: entry \(2, 2\) is 7\*y\*\*6 -> \S+ but the derivative "
                     r"is 8\*y\*\*7 -> \S+" + shown_type("mismatch"), wrong), wrong
    assert f"index.rst:{BAD_LINE}: ERROR: [vcr.derivative] unknown function 'foo'; " in bad
    assert "sphinx-vcr: 2 verified (2 claims), 1 failed, 1 error" in status
    assert "Verified: claim verified symbolically; checked by finite differences at 5 " \
           "points, largest relative error" in html
    assert "Verification failed [vcr.mismatch]: claim does not hold at x=" in html
    assert "Input error [vcr.parse]: unknown function" in html  # (then smart quotes)
    assert "Known mistake, confirmed wrong: claimed x but the derivative is 2 * x; claim " \
        "does not hold at x=" in html
    assert r"\text{(claimed)}" in html
    assert not CJK.search(warnings + status + html)


def test_outcomes_of_one_language_never_show_in_another(tmp_path):
    """One build directory (so one disk cache) and one process (so one memo): the
    language is part of the key of both."""
    src = project(tmp_path, None)
    app, warnings, _, html = build(src, freshenv=True)
    assert "claim does not hold" in warnings and not CJK.search(html)
    project(tmp_path, "zh_CN")
    app, warnings, status, html = build(src)
    assert "声称的结果在" in warnings and "claim" not in html
    project(tmp_path, None)
    app, warnings, status, html = build(src)
    assert "claim does not hold" in warnings and not CJK.search(html)
    # An unchanged page is not re-read; its failures are reported again, translated.
    project(tmp_path, "zh_CN")
    build(src)
    app, warnings, status, _ = build(src)
    assert app.statuscode == 1
    assert "（本次构建未重新读取）" in warnings
    assert "sphinx-vcr: 已验证 2 个（共 2 项声称的结果），失败 1 个，错误 1 个" in status


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="prefetch needs fork")
def test_parallel_build_speaks_the_projects_language(tmp_path):
    """The translator is in place before -j (and the prefetch) fork their workers."""
    src = copy_root("parallel", tmp_path)
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\nlanguage = "zh_CN"\n')
    app, warnings, status, _ = build(src, freshenv=True, parallel=2)
    assert ("page4.rst:6: ERROR: [vcr.derivative] 声称的结果是 3*x**2 + 1，但导数是 3 * x**2；"
            "声称的结果在 x=") in warnings, warnings
    # Every directive of the project that verifies has one claim.
    assert re.search(r"sphinx-vcr: 已验证 (\d+) 个（共 \1 项声称的结果），失败 1 个，错误 0 个",
                     status), status
    for page in sorted(app.outdir.glob("page*.html")):
        html = page.read_text(encoding="utf8")
        assert "已验证：" in html and "Verified" not in html, page.name


def test_core_speaks_the_language_of_its_settings(monkeypatch):
    """Without Sphinx: an installed translator is used only for its own language."""
    with ZH_PO.with_suffix(".mo").open("rb") as stream:
        translator = gettext.GNUTranslations(stream)
    monkeypatch.setitem(words._translators, "zh_CN", translator.gettext)
    text = (["f = 3*x**2*y", "g = 2*x + y**8"],
            {"wrt": "x, y", "expect": "[[6*x*y, 3*x**2], [2, 7*y**6]]"})
    english = check("jacobian", "", *text)
    chinese = check("jacobian", "", *text, Settings(language="zh_CN"))
    assert english.status == chinese.status == FAILED
    assert english.message.startswith("claim does not hold at x=")
    assert chinese.message.startswith("声称的结果在 x=")
    # No translator for a language: its words stay English.
    assert check("jacobian", "", *text, Settings(language="fr")).message == english.message
    error = check("derivative", "foo(x)", [], {"wrt": "x"}, Settings(language="zh_CN"))
    assert error.status == ERROR and error.message.startswith("未知函数 'foo'")
    assert words._("the function") == "the function"  # outside a computation: English


# -- the shipped catalogs ---------------------------------------------------------------

def po_messages(path: Path) -> dict[str, str]:
    """Translated, non-fuzzy messages of a ``.po`` file (msgid to msgstr)."""
    with path.open("rb") as stream:
        catalog = read_po(stream)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def placeholders(text: str) -> set[tuple[str, str, str]]:
    return {(name, spec or "", conversion or "")
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None}


def test_every_message_is_in_the_template_and_translated():
    source = {m.id for m in extract() if m.id}
    assert len(source) > 100  # the extraction found the package's messages
    with TEMPLATE.open("rb") as stream:
        template = {m.id for m in read_po(stream) if m.id}
    assert source == template, "run `python -m sphinx_vcr.locales`"
    assert ZH_PO in catalogs()
    for po in catalogs():
        with po.open("rb") as stream:
            entries = {m.id: m for m in read_po(stream) if m.id}
        assert set(entries) == source, f"{po}: run `python -m sphinx_vcr.locales`"
        untranslated = sorted(i for i, m in entries.items()
                              if not m.string.strip() or m.fuzzy)
        assert not untranslated, f"{po} lacks translations of {untranslated}"


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parent.parent.name)
def test_translations_keep_the_placeholders(po):
    for msgid, msgstr in po_messages(po).items():
        assert placeholders(msgstr) == placeholders(msgid), (msgid, msgstr)


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parent.parent.name)
def test_compiled_catalog_matches_its_source(po):
    with po.with_suffix(".mo").open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    shipped = {k: v for k, v in compiled._catalog.items() if k}  # "" is the header
    assert shipped == po_messages(po), "run `python -m sphinx_vcr.locales`"


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parent.parent.name)
def test_words_inside_math_are_plain_text(po):
    """These are set inside ``\\text{...}``: no LaTeX special characters."""
    messages = po_messages(po)
    for msgid in ("for", "if", "otherwise", "(claimed)", "(shown for {sizes})"):
        text = messages[msgid].replace("{sizes}", "")
        assert not set(text) & set("\\{}$&#^_~%"), (msgid, text)

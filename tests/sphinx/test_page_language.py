"""A page's own language for sphinx-vcr's words (``:vcr-language:``, extension/language.py).

The project ``test-page-language`` is an English site with a Chinese page (``zh.rst``,
the field in its docinfo) and a Chinese MyST page (``markdown.md``, the key in its front
matter), each with the same directives as the English ``index.rst``: a verified claim,
a wrong one, a ``:mistake:``, an input error, a Jacobian at generic sizes (and, on the
Chinese page, a directive whose name is misspelt). Each page must speak its own
language in every builder, serial and ``-j``, on rebuilds, and from the cache; the
field's own mistakes are counted errors at its line (``test-page-language-fields``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.core.records import Settings
from sphinx_vcr.core.running import verify, worker
from sphinx_vcr.core.running.cache import cache_key
from sphinx_vcr.extension import prefetch
from sphinx_vcr.extension.language import canonical, read

from ..conftest import copy_root, shown_type

CJK = re.compile("[\u4e00-\u9fff]")
needs_fork = pytest.mark.skipif(not worker.available(), reason="prefetch needs fork")


#: What the wrong claim 3*x of x**3 reports in English, quoting it and the derivative.
WRONG = "[vcr.derivative] claimed 3*x but the derivative is 3 * x**2; claim does not hold at x="

def build(src: Path, builder: str = "html", cleanup: bool = True, **kwargs):
    app = SphinxTestApp(builder, srcdir=src, **kwargs)
    try:
        app.build()
    finally:
        if cleanup:
            app.cleanup()
    return app, app.warning.getvalue(), app.status.getvalue()


def page(app, name: str) -> str:
    """What sphinx-vcr shows on a page: each directive's math and badge or box (the
    rest of the page, the navigation with its Chinese titles, is not ours)."""
    html = (app.outdir / f"{name}.html").read_text(encoding="utf8")
    return "\n".join(re.findall(r'<div class="vcr vcr-.*?<p class="vcr-badge.*?</p>', html,
                                 re.DOTALL))


def errors_of(warnings: str, name: str) -> list[str]:
    return [line for line in warnings.splitlines()
            if f"{name}:" in line and "ERROR: [vcr." in line]


def assert_chinese_log(warnings: str) -> None:
    wrong, bad, misspelt = errors_of(warnings, "zh.rst")
    assert re.search(r"zh\.rst:12: ERROR: \[vcr\.derivative\] 声称的结果是 3\*x，但导数是 "
                     r"3 \* x\*\*2；声称的结果在 x=\S+ 处不成立：声称的结果在该处为 \S+，"
                     r"而导数为 3\*x\*\*2 -> \S+" + shown_type("mismatch"), wrong), wrong
    assert "zh.rst:19: ERROR: [vcr.derivative] 未知函数 'foo'；可用的函数有" in bad, bad
    # A directive docutils never ran, reported in its page's language too.
    assert "zh.rst:27: ERROR: [vcr.derivative] 未知指令 'derivatve'" in misspelt, misspelt
    (markdown,) = errors_of(warnings, "markdown.md")
    assert "markdown.md:9: ERROR: [vcr.derivative] 声称的结果是 3*x，但导数是 3 * x**2；" \
        "声称的结果在 x=" in markdown, markdown


def assert_english_log(warnings: str, status: str) -> None:
    wrong, bad = errors_of(warnings, "index.rst")
    assert f"index.rst:15: ERROR: {WRONG}" in wrong
    assert "index.rst:22: ERROR: [vcr.derivative] unknown function 'foo'" in bad
    # The summary is the project's, in its language.
    assert "sphinx-vcr: 6 verified (6 claims), 3 failed, 3 errors" in status, status


def assert_chinese_page(html: str) -> None:
    assert "已验证：声称的结果已通过符号验证" in html
    assert "已在尺寸 1, 2, 3 下于 15 个点上做有限差分检验" in html
    assert "验证失败 [vcr.mismatch]：声称的结果是 3*x，但导数是 3 * x**2；声称的结果在 x=" in html
    assert "输入错误 [vcr.parse]：未知函数 'foo'" in html
    assert "已知错误，已确认不成立：声称的结果是 x，但导数是 2 * x；声称的结果在 x=" in html
    assert "错误的写法" in html  # the mistake box's title
    assert r"\text{（声称的结果）}" in html  # the words inside the math
    for english in ("Verified", "Verification failed", "Input error", "Known mistake",
                    "As written", "claim", "(claimed)"):
        assert english not in html, english


def assert_english_page(html: str) -> None:
    assert "Verified: claim verified symbolically" in html
    assert "Verification failed [vcr.mismatch]: claimed 3*x but the derivative is 3 * x**2; " \
        "claim does not hold at x=" in html
    assert "Input error [vcr.parse]: unknown function" in html
    assert "Known mistake, confirmed wrong: claimed x but the derivative is 2 * x; claim " \
        "does not hold at x=" in html
    assert "As written (wrong)" in html
    assert r"\text{(claimed)}" in html
    assert not CJK.search(html)


@pytest.mark.parametrize("builder, parallel", [("html", 1), ("html", 2), ("vcr", 1),
                                               ("vcr", 2)])
def test_a_chinese_page_of_an_english_site(builder, parallel, tmp_path):
    src = copy_root("page-language", tmp_path)
    app, warnings, status = build(src, builder, freshenv=True, parallel=parallel)
    assert app.statuscode == 1
    assert_chinese_log(warnings)
    assert_english_log(warnings, status)
    if builder == "html":
        assert_chinese_page(page(app, "zh"))
        assert ("验证失败 [vcr.mismatch]：声称的结果是 3*x，但导数是 3 * x**2；声称的结果在 x="
                in page(app, "markdown"))
        assert_english_page(page(app, "index"))
        # The field is the page's metadata: it is not shown.
        assert "vcr-language" not in (app.outdir / "zh.html").read_text(encoding="utf8")


def test_words_follow_each_project_in_one_process(tmp_path):
    """Not cleaned up between builds, Sphinx keeps the first language it loaded for the
    whole process: sphinx-vcr's words must not depend on it."""
    chinese = copy_root("page-language", tmp_path / "zh")
    (chinese / "conf.py").write_text('extensions = ["sphinx_vcr", "myst_parser"]\n'
                                     'language = "zh_CN"\n', encoding="utf8")
    english = copy_root("page-language", tmp_path / "en")
    try:
        app, _, status = build(chinese, cleanup=False, freshenv=True)
        assert "sphinx-vcr: 已验证 6 个" in status
        assert_chinese_page(page(app, "index"))
        app, warnings, status = build(english, cleanup=False, freshenv=True)
        assert_english_log(warnings, status)
        assert_english_page(page(app, "index"))
        assert_chinese_page(page(app, "zh"))
    finally:
        app.cleanup()


def test_an_english_page_of_a_chinese_site(tmp_path):
    src = copy_root("page-language", tmp_path)
    (src / "conf.py").write_text('extensions = ["sphinx_vcr", "myst_parser"]\n'
                                 'language = "zh_CN"\n', encoding="utf8")
    (src / "zh.rst").write_text((src / "zh.rst").read_text(encoding="utf8")
                                .replace(":vcr-language: zh_CN", ":vcr-language: en"),
                                encoding="utf8")
    app, warnings, status = build(src, freshenv=True)
    assert_english_page(page(app, "zh"))
    assert_chinese_page(page(app, "index"))
    assert f"zh.rst:12: ERROR: {WRONG}" in warnings
    assert "sphinx-vcr: 已验证 6 个（共 6 项声称的结果），失败 3 个，错误 3 个" in status


def set_field(src: Path, value: str | None) -> None:
    """Give zh.rst the field ``value`` (None: no field), its lines where they were."""
    text = (src / "zh.rst").read_text(encoding="utf8").split("\n", 1)[1]
    field = f":vcr-language: {value}" if value else ""
    (src / "zh.rst").write_text(f"{field}\n{text}", encoding="utf8")


def test_a_rebuild_after_changing_the_field(tmp_path):
    src = copy_root("page-language", tmp_path)
    app, warnings, _ = build(src, freshenv=True)
    assert_chinese_log(warnings)

    set_field(src, None)  # only zh.rst changes: it alone is read again
    app, warnings, _ = build(src)
    assert f"zh.rst:12: ERROR: {WRONG}" in warnings
    assert_english_page(page(app, "zh"))
    # A page not read again reports its failures again, in its own language.
    assert re.search(r"index\.rst:15: ERROR: \[vcr\.derivative\] claimed .*claim does not hold .*"
                     r" \(not re-read in this build\)", warnings), warnings
    assert re.search(r"markdown\.md:9: ERROR: \[vcr\.derivative\] "
                     r"声称的结果是 3\*x，.*声称的结果在 .*"
                     r"（本次构建未重新读取）", warnings), warnings

    set_field(src, "zh_CN")
    app, warnings, _ = build(src)
    assert_chinese_page(page(app, "zh"))
    assert re.search(r"zh\.rst:12: ERROR: \[vcr\.derivative\] "
                     r"声称的结果是 3\*x，但导数是 3 \* x\*\*2；"
                     r"声称的结果在 x=\S+ 处不成立",
                     warnings), warnings
    assert_english_page(page(app, "index"))

    (src / "index.rst").write_text((src / "index.rst").read_text(encoding="utf8") + "\n",
                                   encoding="utf8")
    app, warnings, _ = build(src)
    assert re.search(r"zh\.rst:12: ERROR: \[vcr\.derivative\] 声称的结果是 3\*x，.*声称的结果在 .*"
                     r"（本次构建未重新读取）", warnings), warnings
    assert f"index.rst:15: ERROR: {WRONG}" in warnings


def test_the_cache_serves_each_page_its_own_language(tmp_path):
    """The same directives on an English and a Chinese page: two outcomes each, in the
    memo and on disk, and a rebuild from the disk cache alone still gives each page its
    own words."""
    src = copy_root("page-language", tmp_path)
    verify._memo.clear()
    app, _, _ = build(src, freshenv=True, confoverrides={"exclude_patterns": ["markdown.md"]})
    languages = {settings.language for _, settings in verify._memo}
    assert {"en", "zh_CN"} <= languages
    entries = list((app.doctreedir / "vcr-cache").rglob("*.json"))
    assert len(entries) == 10  # 5 distinct directives, in 2 languages
    verify._memo.clear()  # only the disk cache knows them now
    app, warnings, _ = build(src, freshenv=True,
                             confoverrides={"exclude_patterns": ["markdown.md"]})
    assert "claim does not hold at x=" in warnings and "声称的结果在 x=" in warnings
    assert_chinese_page(page(app, "zh"))
    assert_english_page(page(app, "index"))
    assert "sphinx-vcr: checked" not in app.status.getvalue()


def test_the_language_is_part_of_the_cache_key():
    key = verify._key("derivative", "x**2", [], {"wrt": "x"})
    english, chinese = (cache_key(repr((key, Settings(language=language))))
                        for language in ("en", "zh_CN"))
    assert english != chinese


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Settings]]:
    """The key and settings of every directive the Sphinx layer checks."""
    from sphinx_vcr.extension import directives

    calls: list[tuple[str, Settings]] = []
    original = directives.check

    def recording(kind, argument, content, options, settings, *rest):
        calls.append((verify._key(kind, argument, content, options), settings))
        return original(kind, argument, content, options, settings, *rest)

    monkeypatch.setattr(directives, "check", recording)
    return calls


def test_the_prefetch_plans_what_reading_checks(tmp_path, checked):
    """What the ``-j`` prefetch would check (each page's directives with its page's
    settings) is exactly what the directives check when their pages are read."""
    src = copy_root("page-language", tmp_path)
    app, _, _ = build(src, freshenv=True, confoverrides={"exclude_patterns": ["markdown.md"]})
    planned = [(verify._key(*found), settings) for settings, found in
               prefetch.scan_pages(app, app.env, sorted(app.env.found_docs)).items()
               for found in found]
    assert sorted(checked, key=repr) == sorted(planned, key=repr)
    assert {settings.language for _, settings in planned} == {"en", "zh_CN"}


@needs_fork
def test_a_parallel_build_finds_every_outcome_ready(tmp_path, monkeypatch):
    """Every directive of a -j build is checked ahead, in its page's language, so the
    reading processes compute none (each one they would compute is noted in a file)."""
    src = copy_root("page-language", tmp_path)
    computed = tmp_path / "computed-while-reading"
    original = worker.compute

    def noting(job):
        with computed.open("a", encoding="utf8") as stream:
            stream.write(f"{job[4].language} {job[0]} {job[1]}\n")
        return original(job)

    monkeypatch.setattr(worker, "compute", noting)
    verify._memo.clear()
    app, _, status = build(src, freshenv=True, parallel=2, confoverrides={
        "vcr_cache": False, "exclude_patterns": ["markdown.md"]})
    assert "sphinx-vcr: checked 10 directives in 2 processes" in status, status
    assert not computed.exists(), computed.read_text(encoding="utf8")
    assert_chinese_page(page(app, "zh"))
    assert_english_page(page(app, "index"))


# -- the field's own mistakes -------------------------------------------------------------

FIELD_ERRORS = {
    "unknown.rst": (1, "unknown language 'klingon' in the field :vcr-language:; sphinx-vcr "
                       "has words in en, zh_CN; this page's words are in the project's "
                       "language (en)"),
    "misplaced.rst": (4, "the field :vcr-language: sets the language of sphinx-vcr's words "
                         "only in the field list at the very top of the page"),
    "after-directive.rst": (3, "the field :vcr-language: sets the language of sphinx-vcr's "
                               "words only in the field list at the very top of the page"),
    "twice.rst": (2, "the field :vcr-language: is given twice; only the first one is used"),
    "markup.rst": (1, "the field :vcr-language: reads '*zh_CN*' in the page's source but "
                      "'zh_CN' once parsed"),
    "broken-front-matter.md": (3, "the page's field list or front matter is not read as its "
                                  "metadata (docinfo)"),
    "unknown-markdown.md": (2, "unknown language 'fr' in the field :vcr-language:"),
    # A docinfo from a file included at the top: at the included file's line.
    "header.txt": (1, "sphinx-vcr cannot read this :vcr-language: field in the page's "
                      "source, so the page's words are in the project's language"),
}


def test_each_mistake_of_the_field_is_a_counted_error_at_its_line(tmp_path):
    src = copy_root("page-language-fields", tmp_path)
    app, warnings, status = build(src, freshenv=True)
    assert app.statuscode == 1
    ours = [line for line in warnings.splitlines() if "[vcr.language]" in line]
    assert len(ours) == len(FIELD_ERRORS), warnings
    for name, (line, message) in FIELD_ERRORS.items():
        assert any(f"{src / name}:{line}: ERROR: [vcr.language] {message}" in found
                   for found in ours), (name, warnings)
    assert "sphinx-vcr: 3 verified (0 claims), 0 failed, 8 errors" in status, status
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    rows = [row for row in report["outcomes"] if row["directive"] == "language"]
    assert sorted((Path(row["source"]).name, row["line"]) for row in rows) == sorted(
        (name, line) for name, (line, _) in FIELD_ERRORS.items())
    assert all(row["status"] == "error" and row["subtype"] == "language" for row in rows)
    # A field that sets nothing leaves the page in the project's language.
    assert "Verified: index-free form derived, verified symbolically" in page(app, "unknown")
    assert "Verified: index-free form derived, verified symbolically" in page(app, "misplaced")
    # The correct twin: another spelling of a known language, after a comment, a
    # target, a meta directive and another field, sets it, with no error.
    assert "已验证：已推导出无下标形式，并通过符号验证" in page(app, "spelled")
    assert "spelled.rst" not in warnings


def test_the_language_is_read_from_the_source():
    assert read(":vcr-language: zh_CN\n\nTitle\n=====\n", False, "en").language == "zh_CN"
    assert read("Title\n=====\n\n:vcr-language: zh_CN\n", False, "en").language == "en"
    assert read("---\nvcr-language: 'zh-CN'\n---\n# T\n", True, "fr").language == "zh_CN"
    assert read(":vcr-language: klingon\n", False, "zh_CN").language == "zh_CN"
    assert read(":vcr-language: en\n", False, "zh_CN").language == "en"
    assert [canonical(v) for v in ("zh_CN", "zh-cn", "ZH_cn", "en", "zh", "zh_TW", "")] == [
        "zh_CN", "zh_CN", "zh_CN", "en", None, None, None]


def test_the_chapters_field_if_any_names_a_language_with_words():
    chapter = Path(__file__).resolve().parents[2] / "docs" / "chapter"
    text = (chapter / "vector-chain-rule.zh.rst").read_text(encoding="utf8")
    field = read(text, False, "en").field
    assert field is None or canonical(field.value) == "zh_CN"

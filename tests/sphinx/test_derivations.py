"""``.. derivation::`` where users meet it: rST and MyST pages, every kind of build, the
reports, near misses, LaTeX/PDF, the text builder and the HTML math renderers.

The roots (tests/roots/test-derivation*) hold right derivations (the dot product by
components with an index, the product rule with abstract functions, a step continued on
the next line, ``# remark`` on steps) beside a derivation with one wrong step, which must
fail the build at that step's own line, and directives of today with and without a
claim. A derivation counts one claim per step (each line that begins with ``=``, checked
against the form before it); an ``:expect:`` counts one; a directive without a claim
none.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from sphinx_vcr.core.language import scan
from sphinx_vcr.core.running import verify
from sphinx_vcr.extension import directives

from ..conftest import ROOTS, copy_root
from .test_latex_pdf import (
    TEX_PACKAGES,
    badges,
    build_latex,
    latexmk,
    pdf_text,
    require_pdf_tools,
    require_tools,
    typesetting_problems,
)
from .test_renderers import Page, katex_server  # noqa: F401  (a fixture)


def line_of(root: str, page: str, anchor: str) -> int:
    """The 1-based line of ``roots/test-<root>/<page>`` that holds ``anchor`` (once)."""
    lines = (ROOTS / f"test-{root}" / page).read_text(encoding="utf8").splitlines()
    found = [number for number, text in enumerate(lines, 1) if anchor in text]
    assert len(found) == 1, (anchor, found)
    return found[0]


def build(src: Path, builder: str = "html", **kwargs) -> SphinxTestApp:
    app = SphinxTestApp(builder, srcdir=src, status=StringIO(), warning=StringIO(),
                        **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def sphinx(src: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", *args, str(src), str(out)],
                          capture_output=True, text=True, timeout=600)


def errors(text: str) -> list[str]:
    """Our error lines of a build's output, without terminal colours."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [line for line in plain.splitlines() if "ERROR" in line and "[vcr." in line]


def summary(text: str) -> str:
    return next(line for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()
                if line.startswith("sphinx-vcr: ") and " verified" in line)


def derivation_blocks(app: SphinxTestApp, docname: str) -> list[list[str]]:
    """The LaTeX blocks of each derivation of a page, in order."""
    doctree = app.env.get_doctree(docname)
    return [[block.astext() for block in box.findall(nodes.math_block)]
            for box in doctree.findall(nodes.container)
            if "vcr-derivation" in box["classes"]]


# --- What the directive hands to the core -------------------------------------------

#: Each derivation of the roots, as the check must receive it: the steps verbatim, the
#: remarks and the relative indentation of a continued step kept.
RECEIVED = {
    "derivation": [
        ("", ["diff(sum(w[i]*x[i], i), w[j])",
              "= sum(diff(w[i]*x[i], w[j]), i)   # only the term i = j depends on w_j",
              "= diff(w[j]*x[j], w[j])",
              "= x[j]"],
         {"vars": "w[n], x[n]", "index": "i, j"}),
        ("", ["diff(f(x)*g(x), x)",
              "= D(f)(x)*g(x)",
              "  + f(x)*D(g)(x)   # the product rule",
              "= g(x)*D(f)(x) + f(x)*D(g)(x)"],
         {"vars": "x", "functions": "f, g"}),
        ("", ["diff(x**3 + sin(x), x)",
              "= diff(x**3, x) + diff(sin(x), x)",
              "= 3*x**2 + cos(x)",
              "= 3*x**2 - cos(x)   # a sign lost",
              "= -cos(x) + 3*x**2"],
         {"vars": "x"}),
    ],
    "derivation-myst": [
        ("", ["diff(sum(w[i]*x[i], i), w[j])",
              "= sum(diff(w[i]*x[i], w[j]), i)   # only the term i = j depends on w_j",
              "= x[j]"],
         {"vars": "w[n], x[n]", "index": "i, j"}),
        ("", ["diff(exp(2*x), x)",
              "= exp(2*x)*diff(2*x, x)   # the chain rule",
              "= 2*exp(2*x)"],
         {"vars": "x"}),
        ("", ["diff(x**2*exp(x), x)",
              "= 2*x*exp(x) + x**2*exp(x)",
              "= x*exp(x)*(2 - x)   # a sign lost"],
         {"vars": "x"}),
    ],
}


@pytest.mark.parametrize("root", list(RECEIVED))
def test_steps_reach_the_check_verbatim(root, tmp_path, monkeypatch):
    """Neither docutils nor MyST (backtick fence, colon fence, YAML options) eats a line
    that begins with '=' (a section underline in prose) or with '#' (a heading in
    Markdown), nor a remark after '#'."""
    seen = []
    original = directives.check

    def recording(kind, argument, content, options, *rest):
        if kind == "derivation":
            seen.append((argument, content, options))
        return original(kind, argument, content, options, *rest)

    monkeypatch.setattr(directives, "check", recording)
    app = build(copy_root(root, tmp_path), freshenv=True)
    assert seen == RECEIVED[root]
    text = app.warning.getvalue()
    assert "WARNING" not in text, text  # no docutils or MyST complaint about a step


def test_the_scanner_finds_each_derivation_as_reading_does(tmp_path, received):
    src = copy_root("derivation", tmp_path)
    build(src, freshenv=True)
    scanned = [verify._key(*found) for path in sorted(src.glob("*.rst"))
               for found in scan.directives(path.read_text(encoding="utf8"))]
    assert sum(found.kind == "derivation" for path in src.glob("*.rst")
               for found in scan.directives(path.read_text(encoding="utf8"))) == 3
    assert sorted(scanned) == sorted(received)


def test_a_parallel_build_checks_the_derivations_ahead(tmp_path):
    src = copy_root("derivation", tmp_path)
    verify._memo.clear()  # nothing known in this process: everything is computed
    app = build(src, freshenv=True, parallel=2, confoverrides={"vcr_cache": False})
    assert "sphinx-vcr: checked 5 directives in 2 processes" in app.status.getvalue()


# --- Real builds: the derivations verified, counted, reported -------------------------

WRONG_STEP = line_of("derivation", "steps.rst", "= 3*x**2 - cos(x)")
RST_SUMMARY = "sphinx-vcr: 4 verified (6 claims), 1 failed, 0 errors"


def check_rst_errors(text: str) -> None:
    """The one wrong step is the build's only error, at the step's own line."""
    found = errors(text)
    assert len(found) == 1, found
    assert re.search(rf"steps\.rst:{WRONG_STEP}: ERROR: \[vcr\.derivation\] .*does not "
                     r"follow", found[0]), found[0]


def test_derivations_verify_render_and_a_wrong_step_fails_at_its_line(tmp_path):
    app = build(copy_root("derivation", tmp_path), freshenv=True)
    assert app.statuscode == 1
    check_rst_errors(app.warning.getvalue())
    assert summary(app.status.getvalue()) == RST_SUMMARY
    index = (app.outdir / "index.html").read_text(encoding="utf8")
    steps = (app.outdir / "steps.html").read_text(encoding="utf8")
    assert index.count('class="vcr vcr-derivation') == 1
    assert steps.count('class="vcr vcr-derivation') == 2
    assert 'id="dot-by-components"' in index  # :name: is a reference target
    # One aligned display per derivation, a step a line, the remark beside its step.
    for page, counts in (("index", [3]), ("steps", [2, 4])):
        blocks = derivation_blocks(app, page)
        assert [len(shown) for shown in blocks] == [1] * len(counts)
        for (latex,), count in zip(blocks, counts):
            assert r"\begin{aligned}" in latex and latex.count("&=") >= count, latex
    (dot,), (product,), _wrong = (*derivation_blocks(app, "index"),
                                  *derivation_blocks(app, "steps"))
    assert r"\text{" in dot and "only the term" in dot
    assert "the product rule" in product
    # One badge per derivation, counting its steps; the wrong one a failure box.
    page = Page(index + steps)
    verified = [text for classes, text in page.badges if "vcr-verified" in classes]
    failed = [text for classes, text in page.badges if "vcr-failed" in classes]
    assert len(verified) == 4 and len(failed) == 1  # (the derivative and gradient too)
    assert "3 steps" in verified[0] and "2 steps" in verified[3], verified
    assert "does not follow" in failed[0]


def test_every_kind_of_build_prints_the_claims(tmp_path):
    """html, -b vcr, -j 2 and an incremental rebuild: one summary line, one error."""
    src = copy_root("derivation", tmp_path)
    for flags in (("-b", "html"), ("-b", "vcr"), ("-b", "html", "-j", "2"),
                  ("-b", "vcr", "-j", "2")):
        result = sphinx(src, tmp_path / "-".join(flags), *flags)
        assert result.returncode == 1, (flags, result.stderr)
        check_rst_errors(result.stderr)
        assert summary(result.stdout) == RST_SUMMARY, flags
    index = src / "index.rst"
    index.write_text(index.read_text(encoding="utf8") + "\nAn edit.\n", encoding="utf8")
    for flags in (("-b", "html"), ("-b", "html", "-j", "2")):
        again = sphinx(src, tmp_path / "-".join(flags), *flags)
        assert again.returncode == 1
        assert "not re-read in this build" in again.stderr  # steps.rst kept its records
        check_rst_errors(again.stderr)
        assert summary(again.stdout) == RST_SUMMARY, flags


def test_reports_give_each_directive_its_claims(tmp_path):
    app = build(copy_root("derivation", tmp_path), freshenv=True,
                confoverrides={"vcr_report": "vcr.json", "vcr_junit": "vcr.xml"})
    report = json.loads((app.outdir / "vcr.json").read_text(encoding="utf8"))
    rows = [(row["document"], row["directive"], row["directive_line"], row["line"],
             row["status"], row["claims"]) for row in report["outcomes"]]
    first = line_of("derivation", "index.rst", ".. derivation::")
    derivative = line_of("derivation", "index.rst", ".. derivative::")
    gradient = line_of("derivation", "index.rst", ".. gradient::")
    steps = (ROOTS / "test-derivation" / "steps.rst").read_text().splitlines()
    product, wrong = [n for n, text in enumerate(steps, 1) if text == ".. derivation::"]
    assert rows == [
        ("index", "derivation", first, first, "verified", 3),
        ("index", "derivative", derivative, derivative, "verified", 1),
        ("index", "gradient", gradient, gradient, "verified", 0),
        ("steps", "derivation", product, product, "verified", 2),
        ("steps", "derivation", wrong, WRONG_STEP, "failed", 0),
    ]
    root = ET.parse(app.outdir / "vcr.xml").getroot()
    cases = list(root.iter("testcase"))
    assert [c.get("assertions") for c in cases] == ["3", "1", "0", "2", "0"]
    assert [c.get("name") for c in cases][-1] == f"derivation at line {wrong}"
    failure = cases[-1].find("failure")
    assert failure is not None and failure.text
    assert failure.text.split(": ", 1)[0].endswith(f"steps.rst:{WRONG_STEP}")
    assert [s.get("assertions") for s in root.iter("testsuite")] == ["4", "2"]
    assert root.get("assertions") == "6"


def test_myst_derivations_verify_and_a_wrong_step_fails_at_its_line(tmp_path):
    for flags in (("-b", "html"), ("-b", "vcr", "-j", "2")):
        result = sphinx(copy_root("derivation-myst", tmp_path / flags[1]),
                        tmp_path / "-".join(flags), *flags)
        assert result.returncode == 1
        (error,) = errors(result.stderr)
        line = line_of("derivation-myst", "index.md", "= x*exp(x)*(2 - x)")
        assert re.search(rf"index\.md:{line}: ERROR: \[vcr\.derivation\] .*does not follow",
                         error), error
        assert "WARNING" not in result.stderr, result.stderr
        assert summary(result.stdout) == "sphinx-vcr: 3 verified (5 claims), 1 failed, 0 errors"
    html = (tmp_path / "-b-html" / "index.html").read_text(encoding="utf8")
    assert html.count('class="vcr vcr-derivation') == 3
    assert "the chain rule" in html and r"\begin{aligned}" in html


# --- Near misses -----------------------------------------------------------------------

#: roots/test-derivation-nearmiss: each derivation no parser ran, by (page, anchor).
NEAR_MISSES = {
    ("index.rst", "derivation  ::"): "nothing in it is checked",
    ("index.rst", ".. derivaton::"): "unknown directive 'derivaton', so nothing in it is "
                                     "checked: did you mean derivation?",
    ("index.rst", ".. derivation: diff"): "this is a comment, not a directive",
    ("index.rst", ":index: i, j"): "is outside the block of the derivation directive",
    # a wrong step, unindented: a paragraph, never checked
    ("index.rst", "= 10*x**10"): "is outside the block of the derivation directive above "
                                 "it, so it is not one of its steps",
    ("page.md", "```derivation"): "a code block in the language 'derivation' is shown",
    ("page.md", "```{derivaton}"): "unknown directive 'derivaton'",
    ("page.md", ":::{derivation}"): "looks like a derivation directive but was never run",
    ("page.md", "= 12*x**12"): "so it is not one of its steps",  # after the closing fence
}


def near_miss_lines() -> dict[tuple[str, int], str]:
    where = {}
    for (page, anchor), fragment in NEAR_MISSES.items():
        lines = (ROOTS / "test-derivation-nearmiss" / page).read_text().splitlines()
        # the first such line: the code-block example further down shows it again
        where[(page, next(n for n, t in enumerate(lines, 1) if anchor in t))] = fragment
    return where


def check_near_misses(text: str) -> None:
    found = errors(text)
    for (page, line), fragment in near_miss_lines().items():
        at = [e for e in found if f"{page}:{line}: ERROR: [vcr.derivation] " in e]
        assert len(at) == 1 and fragment in at[0], (page, line, found)
    # and one more: the block whose :index: is left outside it uses an undeclared index
    # (an error of the block, at one of its lines)
    last = line_of("derivation-nearmiss", "index.rst", "= x[j]")
    assert [e for e in found if re.search(
        rf"index\.rst:({'|'.join(str(n) for n in range(last - 4, last + 1))}): ERROR: "
        r"\[vcr\.derivation\]", e)], found
    assert len(found) == len(NEAR_MISSES) + 1, found


def test_near_misses_of_a_derivation_are_counted_errors(tmp_path):
    src = copy_root("derivation-nearmiss", tmp_path)
    for flags in (("-b", "html"), ("-b", "vcr", "-j", "2")):
        result = sphinx(src, tmp_path / "-".join(flags), *flags)
        assert result.returncode == 1
        check_near_misses(result.stderr)
        assert summary(result.stdout) == ("sphinx-vcr: 5 verified (5 claims), 0 failed, "
                                          "10 errors")


def test_the_corrected_near_misses_all_verify(tmp_path):
    src = copy_root("derivation-nearmiss", tmp_path)
    index = src / "index.rst"
    text = index.read_text(encoding="utf8")
    text = text.replace(".. derivation  ::\n   :vars: x", ".. derivation::\n   :vars: x", 1)
    text = text.replace("derivaton", "derivation")
    text = text.replace(".. derivation: diff(x**5, x)\n   = 5*x",
                        ".. derivation::\n   :vars: x\n\n   diff(x**5, x)\n   = 5*x**4")
    text = text.replace("   :vars: w[n], x[n]\n\n", "   :vars: w[n], x[n]\n   :index: i, j\n\n")
    text = text.replace("\n:index: i, j\n", "\n")
    text = text.replace("= 2*x + 1", "= 2*x").replace("= 4*x**4", "= 4*x**3")
    text = text.replace("\n= 10*x**10\n", "\n   = 10*x*x**8\n")
    index.write_text(text, encoding="utf8")
    page = src / "page.md"
    markdown = page.read_text(encoding="utf8").replace("```derivation\n", "```{derivation}\n"
                                                       ":vars: x\n\n")
    markdown = markdown.replace("derivaton", "derivation").replace(":::{derivation}",
                                                                   "```{derivation}")
    markdown = markdown.replace("= 8*x\n:::", "= 8*x**7\n```")
    markdown = markdown.replace("```\n= 12*x**12\n", "= 12*x*x**10\n```\n")
    for n in (6, 7):
        markdown = markdown.replace(f"= {n}*x\n", f"= {n}*x**{n - 1}\n")
    page.write_text(markdown, encoding="utf8")
    result = sphinx(src, tmp_path / "out", "-b", "html")
    assert errors(result.stderr) == [], result.stderr
    assert summary(result.stdout) == "sphinx-vcr: 12 verified (14 claims), 0 failed, 0 errors"
    assert result.returncode == 0


# --- LaTeX, PDF and text -------------------------------------------------------------

def test_latex_has_the_aligned_steps_remarks_and_the_crossed_out_step(make_app, tmp_path):
    app, tex_file = build_latex(make_app, copy_root("derivation-latex", tmp_path))
    assert app.statuscode == 0, app.warning.getvalue()
    assert "sphinx-vcr: 2 verified (3 claims), 0 failed, 0 errors" in app.status.getvalue()
    tex = tex_file.read_text(encoding="utf8")
    (right,), (mistake,) = derivation_blocks(app, "index")
    for block in (right, mistake):  # verbatim, in Sphinx's display math
        assert "\\begin{split}" + block + "\\end{split}" in tex, block
        assert r"\begin{aligned}" in block
    assert "only the term" in right and r"\text{" in right
    assert r"\cancel{" in mistake
    assert "\\usepackage{sphinxvcr}" in tex
    assert "\\RequirePackage{cancel}" in (tex_file.parent / "sphinxvcr.sty").read_text()
    assert badges(app, "verified") == 1 and badges(app, "mistake") == 1
    assert tex.count("\\begin{sphinxuseclass}{vcr-mistake-box}") == 1


def test_derivations_compile_to_pdf(make_app, tmp_path):
    require_pdf_tools()
    app, tex = build_latex(make_app, copy_root("derivation-latex", tmp_path))
    assert app.statuscode == 0
    pdf = latexmk(tex)
    text = pdf_text(pdf)
    assert "only the term" in text and "the product rule forgotten" in text
    assert "Known mistake, confirmed wrong" in text
    assert typesetting_problems(tex.with_suffix(".log")) == []


def test_the_text_builder_shows_the_steps_and_the_badge(tmp_path):
    app = build(copy_root("derivation-latex", tmp_path), "text", freshenv=True)
    assert app.statuscode == 0
    text = (app.outdir / "index.txt").read_text(encoding="utf8")
    assert r"\begin{aligned}" in text and "only the term" in text
    assert "Verified: " in text and "Known mistake, confirmed wrong" in text


# --- HTML math renderers ---------------------------------------------------------------

def test_katex_prerenders_every_derivation(make_app, tmp_path, katex_server):  # noqa: F811
    """KaTeX itself parses the aligned steps, the remarks and \\cancel."""
    src = copy_root("derivation-latex", tmp_path)
    app = make_app("html", srcdir=src, freshenv=True, confoverrides={
        "katex_prerender": True, "extensions": ["sphinx_vcr", "sphinxcontrib.katex"]})
    app.build()
    assert app.statuscode == 0, app.warning.getvalue()
    page = Page((app.outdir / "index.html").read_text(encoding="utf8"))
    blocks = [latex for shown in derivation_blocks(app, "index") for latex in shown]
    assert len(page.maths) == len(blocks) == 2
    for div, block in zip(page.maths, blocks, strict=True):
        assert "katex-error" not in div.classes and not div.colours, block
        assert div.annotations == [block]


@pytest.mark.parametrize(("image_format", "converter"), [("png", "dvipng"),
                                                         ("svg", "dvisvgm")])
def test_imgmath_renders_every_derivation(make_app, tmp_path, image_format, converter):
    require_tools("latex", converter, packages=f"{TEX_PACKAGES} {converter}")
    src = copy_root("derivation-latex", tmp_path)
    app = make_app("html", srcdir=src, freshenv=True, confoverrides={
        "imgmath_image_format": image_format,
        "extensions": ["sphinx_vcr", "sphinx.ext.imgmath"]})
    app.build()
    # imgmath turns a LaTeX failure (\cancel unknown) into a warning and shows the source
    assert "latex" not in app.warning.getvalue().lower(), app.warning.getvalue()
    page = Page((app.outdir / "index.html").read_text(encoding="utf8"))
    assert len(page.maths) == 2 and all(len(div.imgs) == 1 for div in page.maths)


# --- \cancel itself, in every output that typesets math (no derivation needed) ------

CANCEL_PAGE = r"""Crossed out
===========

.. math::

   \begin{aligned} \frac{d}{dx} x^2 \sin x &= \cancel{2 x \cos x} \quad 2 x \sin x
   + x^2 \cos x \\ &= x (2 \sin x + x \cos x) \end{aligned}
"""


def cancel_project(tmp_path: Path, extensions: str = '"sphinx_vcr"') -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = [{extensions}]\n", encoding="utf8")
    (src / "index.rst").write_text(CANCEL_PAGE, encoding="utf8")
    return src


def test_a_pdf_with_a_crossed_out_step_compiles(make_app, tmp_path):
    require_pdf_tools()
    _app, tex = build_latex(make_app, cancel_project(tmp_path))
    assert "sin" in pdf_text(latexmk(tex))  # latexmk fails on an undefined \cancel
    assert typesetting_problems(tex.with_suffix(".log")) == []


def test_imgmath_has_the_cancel_package_and_a_rebuild_sees_no_change(tmp_path):
    require_tools("latex", "dvipng", packages=f"{TEX_PACKAGES} dvipng")
    src = cancel_project(tmp_path, '"sphinx_vcr", "sphinx.ext.imgmath"')
    out = tmp_path / "out"
    first = sphinx(src, out, "-b", "html")
    assert first.returncode == 0 and "latex" not in first.stderr.lower(), first.stderr
    assert len(list((out / "_images" / "math").glob("*.png"))) == 1
    # Added when the configuration is read, so the pickled configuration has it too.
    again = sphinx(src, out, "-b", "html")
    assert "configuration has changed" not in again.stdout.lower(), again.stdout
    assert "no targets are out of date" in again.stdout
    # A preamble of the project's own is kept, and the package not added twice.
    (src / "conf.py").write_text('extensions = ["sphinx_vcr", "sphinx.ext.imgmath"]\n'
                                 'imgmath_latex_preamble = r"\\usepackage{cancel}\\usepackage'
                                 '{bm}"\n', encoding="utf8")
    own = build(src, freshenv=True)
    assert own.config.imgmath_latex_preamble == r"\usepackage{cancel}\usepackage{bm}"


# --- Steps below the directive's first line ---------------------------------------------

BELOW = """Below
=====

.. derivation:: diff(x**3, x)
   = 3*x**2
   = 3*x*x
"""


def test_a_step_right_below_the_first_line_is_an_error_at_its_line(tmp_path):
    """docutils reads lines right below the directive's line as more of its argument:
    the steps would be part of the first form, and the derivation seem to have none."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinx_vcr"]\n')
    toctree = "\n.. toctree::\n\n   page\n"
    (src / "index.rst").write_text(BELOW + toctree, encoding="utf8")
    # In MyST the body is never the argument: the same layout is a derivation there.
    (src / "page.md").write_text("# Page\n\n```{derivation} diff(x**3, x)\n= 3*x**2\n"
                                 "= 3*x*x\n```\n", encoding="utf8")
    app = build(src, freshenv=True)
    (error,) = errors(app.warning.getvalue())
    assert ("index.rst:5: ERROR: [vcr.derivation] '= 3*x**2' continues the directive's "
            "first line, so it would be read as part of the first form, not as a step"
            in error), error
    assert summary(app.status.getvalue()) == ("sphinx-vcr: 1 verified (2 claims), 0 failed, "
                                              "1 error")
    assert scan.directives(BELOW) == []  # nothing to check ahead
    # The twin, with the blank line, verifies.
    (src / "index.rst").write_text(BELOW.replace(", x)\n", ", x)\n\n") + toctree,
                                   encoding="utf8")
    app = build(src, freshenv=True)
    assert errors(app.warning.getvalue()) == []
    assert summary(app.status.getvalue()) == ("sphinx-vcr: 2 verified (4 claims), 0 failed, "
                                              "0 errors")


def test_only_a_step_after_a_derivation_is_a_stray_step():
    """A section's adornment of '=' after a block is no step, and '= ...' after another
    kind of directive is not a step of it."""
    block = ".. {kind}::\n   :vars: x\n\n   diff(x**2, x)\n   = 2*x\n{after}\n"

    def strays(kind: str, after: str) -> list[tuple[int, bool]]:
        text = block.format(kind=kind, after=after)
        return [(s.line, s.step) for s in scan.suspects(text, False) if s.stray]

    assert strays("derivation", "= 3*x") == [(6, True)]
    assert strays("derivation", "\n=3*x") == [(7, True)]
    assert strays("derivation", "  = 3*x") == []  # indented at all: docutils keeps it in
    assert strays("derivation", "\n=====\nTitle\n=====") == []
    assert strays("derivation", "\n== 3*x") == []
    assert strays("derivative", "= 3*x") == []
    assert strays("derivation", "\n:index: i") == [(7, False)]

"""The LaTeX builder and PDF: verified math and badges must reach the .tex readable and,
where TeX is installed, survive latexmk into a PDF whose text a reader can see.

The PDF tests need latexmk, pdflatex with the packages Sphinx's LaTeX uses, and
pdftotext (to read the PDF back). Without them they are skipped, saying what is
missing, unless VCR_REQUIRE_TEX is set (as CI does): then a missing tool fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docutils import nodes

DOCS = Path(__file__).parents[2] / "docs"

# Debian packages that provide the tools: what .ci/run installs.
TEX_PACKAGES = ("latexmk texlive-latex-recommended texlive-latex-extra "
                "texlive-fonts-recommended tex-gyre")


def require_tools(*tools: str, packages: str) -> None:
    """Skip (or, under VCR_REQUIRE_TEX, fail) unless every tool is on PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (apt-get install {packages})"
    if os.environ.get("VCR_REQUIRE_TEX"):
        pytest.fail(f"VCR_REQUIRE_TEX is set but {reason}")
    pytest.skip(reason)


def require_pdf_tools() -> None:
    require_tools("latexmk", "pdflatex", "makeindex", "pdftotext",
                  packages=f"{TEX_PACKAGES} poppler-utils")


def math_blocks(app) -> list[str]:
    """The LaTeX of every math block our directives put in the index doctree."""
    doctree = app.env.get_doctree("index")
    return [block.astext() for block in doctree.findall(nodes.math_block)]


def badges(app, kind: str) -> int:
    """How many badge paragraphs of class ``vcr-<kind>`` the doctree has."""
    doctree = app.env.get_doctree("index")
    return sum(f"vcr-{kind}" in p["classes"] for p in doctree.findall(nodes.paragraph))


def build_latex(make_app, src: Path):
    app = make_app("latex", srcdir=src, freshenv=True)
    app.build()
    (tex,) = app.outdir.glob("*.tex")
    return app, tex


def latexmk(tex: Path) -> Path:
    """Run latexmk as Sphinx's ``make latexpdf`` does; fail with TeX's own error lines."""
    # LATEXOPTS is read by the latexmkrc that Sphinx writes next to the .tex.
    env = {**os.environ, "LATEXOPTS": ""}
    run = subprocess.run(["latexmk", "-pdf", "-dvi-", "-ps-", "-interaction=nonstopmode",
                          "-halt-on-error", tex.name],
                         cwd=tex.parent, env=env, capture_output=True, text=True, timeout=180)
    log = tex.with_suffix(".log")
    if run.returncode != 0:
        text = log.read_text(encoding="utf8", errors="replace") if log.exists() else run.stdout
        errors = [line for line in text.splitlines() if line.startswith("!")
                  or line.startswith("l.")]
        pytest.fail(f"latexmk exited {run.returncode}:\n" + "\n".join(errors[:20]))
    pdf = tex.with_suffix(".pdf")
    assert pdf.stat().st_size > 1000
    return pdf


def pdf_text(pdf: Path) -> str:
    """The PDF's text with all whitespace runs as one space (lines wrap anywhere)."""
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, timeout=60, check=True)
    return " ".join(run.stdout.split())


def typesetting_problems(log: Path) -> list[str]:
    """Glyphs TeX dropped, and lines sticking out of the text block by over 10pt."""
    text = log.read_text(encoding="utf8", errors="replace")
    lost = [line for line in text.splitlines() if line.startswith("Missing character")]
    wide = [m.group(0) for m in re.finditer(r"Overfull \\hbox \((\d+\.?\d*)pt too wide\)"
                                            r"[^\n]*", text) if float(m.group(1)) > 10]
    return lost + wide


def test_latex_output_has_the_math_and_readable_badges(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-latex", src)
    app, tex_file = build_latex(make_app, src)
    assert app.statuscode == 1  # the wrong claim fails the LaTeX build too
    assert "sphinx-vcr: 4 verified (4 claims), 1 failed, 1 error" in app.status.getvalue()
    tex = tex_file.read_text(encoding="utf8")

    # Every block is display math in the .tex, verbatim: LaTeX needs no escaping of it.
    blocks = math_blocks(app)
    assert len(blocks) >= 8
    for block in blocks:
        assert "\\begin{split}" + block + "\\end{split}" in tex, block
    assert tex.count("\\begin{equation*}") == len(blocks)
    assert r"= \operatorname{diag}\left(\mathbf{x}\right)" in tex
    assert r"\text{for } \mathbf{w} \cdot \mathbf{x} + b > 0" in tex
    # the wrong claim is marked as claimed, the known mistake struck through, each
    # beside the truth
    assert tex.count(r"\neq") == 1 and tex.count(r"\text{(claimed)}") == 1
    assert tex.count(r"\cancel{") == 1
    # the truth index-free (verified), not SymPy's entries at n = 2
    assert r"= \operatorname{diag}\left(\mathbf{x}\right)" in tex
    assert r"\text{(shown for n = 2)}" not in tex

    # Badges are ordinary escaped text: readable, and no stray LaTeX from messages.
    assert tex.count("\nVerified: claim verified symbolically") == 3
    assert re.search(r"\nVerification failed \{\[\}vcr\.mismatch\{\]\}: claim does not hold "
                     r"at x=\S+, y=\S+: entry \(2, 2\) is 7\*y\*\*6 \\sphinxhyphen\{\}"
                     r"\\textgreater\{\} ", tex)
    assert re.search(r"\nKnown mistake, confirmed wrong: claimed diag\(w\) but the derivative "
                     r"is diag\(x\); claim does not hold at n=\d; w\{\[\}1\{\]\}=", tex)
    assert "\nInput error {[}vcr.parse{]}: syntax error in" in tex
    assert r"x\_\{1\} ** 2 \% 3 \& \$y" in tex
    # Failures and the mistake are framed boxes: environments of our own package.
    assert "\\usepackage{sphinxvcr}" in tex
    assert (tex_file.parent / "sphinxvcr.sty").is_file()
    assert tex.count("\\begin{sphinxuseclass}{vcr-failure}") == 2
    assert tex.count("\\begin{sphinxuseclass}{vcr-mistake-box}") == 1


def test_wrong_claim_mistake_and_input_error_compile_to_pdf(make_app, rootdir, tmp_path):
    require_pdf_tools()
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-latex", src)
    app, tex = build_latex(make_app, src)
    assert app.statuscode == 1
    pdf = latexmk(tex)
    text = pdf_text(pdf)
    assert text.count("Verified: claim verified symbolically") == 3
    assert re.search(r"Verification failed \[vcr\.mismatch\]: claim does not hold at "
                     r"x=\S+, y=\S+: entry \(2, 2\) is 7\*y\*\*6 -> ", text), text
    assert "Known mistake, confirmed wrong: claimed diag(w)" in text
    assert "Input error [vcr.parse]: syntax error in" in text
    assert "x_{1} ** 2 % 3 & $y" in text
    # upright words inside the math come through as text
    assert text.count("(claimed)") == 1 and "diag" in text  # the mistake is struck
    assert typesetting_problems(tex.with_suffix(".log")) == []


def test_tour_page_compiles_to_pdf(make_app, rootdir, tmp_path):
    """docs/tour.rst, as it is now, with the docs' bibliography, as its own small project."""
    require_pdf_tools()
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-latex-tour", src)
    shutil.copy(DOCS / "tour.rst", src / "index.rst")
    shutil.copy(DOCS / "refs.bib", src / "refs.bib")
    app, tex = build_latex(make_app, src)
    assert app.statuscode == 0, app.warning.getvalue()
    # Every directive of the tour verifies; each :expect: is one claim, and so is each
    # step of a derivation (a line that begins with "=").
    rst = (src / "index.rst").read_text()
    claims = rst.count(":expect:") + len(re.findall(r"^ +=[^=]", rst, re.MULTILINE))
    assert re.search(rf"sphinx-vcr: \d+ verified \({claims} claims\), 0 failed, 0 errors",
                     app.status.getvalue())

    verified, mistakes = badges(app, "verified"), badges(app, "mistake")
    assert verified >= 5 and mistakes == rst.count(":mistake:")
    # Each mistake is a box; one without :correct: shows SymPy's value beside the claim,
    # a "(claimed)" one unless it is a derivation's step.
    options = re.findall(r"^\.\. ([a-z-]+)::.*\n((?:   :.*\n)*)", rst, re.MULTILINE)
    claimed = sum(":mistake:" in o and ":correct:" not in o and kind != "derivation"
                  for kind, o in options)
    blocks = math_blocks(app)
    source = tex.read_text(encoding="utf8")
    assert all(block in source for block in blocks)

    pdf = latexmk(tex)
    text = pdf_text(pdf)
    # "Verified: claim verified ..." or, for a derivation, "Verified: 3 steps verified: ..."
    assert text.count("Verified: ") == verified
    assert text.count("As written (wrong)") == mistakes
    assert text.count("(claimed)") == claimed
    assert typesetting_problems(tex.with_suffix(".log")) == []

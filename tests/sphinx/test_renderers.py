"""Our math is plain ``math_block`` nodes: each HTML math renderer must receive it intact.

One small project (tests/roots/test-renderers) emits every LaTeX construct sphinx-vcr
uses. It is built with MathJax (Sphinx's default), sphinxcontrib-katex (client-side, and
prerendered by KaTeX itself under Node.js) and sphinx.ext.imgmath (LaTeX + dvipng or
dvisvgm). Each test compares what the renderer got with the math blocks in the doctree.
Prerendering skips without ``node``; imgmath skips without its TeX tools unless
VCR_REQUIRE_TEX is set, as in test_latex_pdf.
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .test_latex_pdf import TEX_PACKAGES, math_blocks, require_tools

VERIFIED, MISTAKES = 12, 1  # badges in test-renderers/index.rst
CLAIMS = 11  # its directives with an :expect: (the :mistake: among them)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


@dataclass
class MathDiv:
    """One ``div.math``: its text, images, the classes and TeX annotations inside it."""

    text: str = ""
    imgs: list[dict[str, str]] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    annotations: list[str] = field(default_factory=list)
    colours: set[str] = field(default_factory=set)


class Page(HTMLParser):
    """What a browser's DOM would hold: math divs, badge paragraphs, script sources."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.maths: list[MathDiv] = []
        self.badges: list[tuple[list[str], str]] = []
        self.scripts: list[str] = []
        self._math_depth = self._badge_depth = self._depth = 0
        self._annotation = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        classes = attr.get("class", "").split()
        if tag == "script" and attr.get("src"):
            self.scripts.append(attr["src"].split("?")[0])
        if self._math_depth:
            self.maths[-1].classes.update(classes)
            if "mathcolor" in attr or "color:" in attr.get("style", ""):
                self.maths[-1].colours.add(attr.get("mathcolor") or attr["style"])
            if tag == "img":
                self.maths[-1].imgs.append(attr)
            self._annotation = (tag == "annotation"
                                and attr.get("encoding") == "application/x-tex")
        if tag in VOID:
            return
        self._depth += 1
        if tag == "div" and "math" in classes and not self._math_depth:
            self.maths.append(MathDiv())
            self._math_depth = self._depth
        if tag == "p" and "vcr-badge" in classes:
            self.badges.append((classes, ""))
            self._badge_depth = self._depth

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._depth == self._math_depth:
            self._math_depth = 0
        if self._depth == self._badge_depth:
            self._badge_depth = 0
        self._annotation = False
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._math_depth:
            self.maths[-1].text += data
            if self._annotation:
                self.maths[-1].annotations.append(data)
        if self._badge_depth:
            classes, text = self.badges[-1]
            self.badges[-1] = (classes, text + data)


def build(make_app, rootdir: Path, tmp_path: Path, **overrides: object):
    """Build test-renderers in a folder of its own: stale images of another renderer's
    build must not be able to satisfy a test."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-renderers", src)
    app = make_app("html", srcdir=src, freshenv=True, confoverrides=overrides)
    app.build()
    assert app.statuscode == 0, app.warning.getvalue()
    assert (f"sphinx-vcr: {VERIFIED + MISTAKES} verified ({CLAIMS} claims), 0 failed, 0 errors"
            in app.status.getvalue())
    page = Page((app.outdir / "index.html").read_text(encoding="utf8"))
    blocks = math_blocks(app)
    assert len(blocks) >= 15
    assert len(page.maths) == len(blocks)
    assert_badges(page)
    return app, page, blocks


def assert_badges(page: Page) -> None:
    verified = [text for classes, text in page.badges if "vcr-verified" in classes]
    mistakes = [text for classes, text in page.badges if "vcr-mistake" in classes]
    assert len(verified) == VERIFIED and len(mistakes) == MISTAKES
    assert all(text.startswith("Verified: ") and "checked by finite differences at" in text
               for text in verified)
    assert sum("at sizes 1, 2, 3" in text for text in verified) >= 4
    assert mistakes[0].startswith(
        "Known mistake, confirmed wrong: claimed sigmoid(x) * (1 + sigmoid(x)) but the "
        "derivative is sigmoid(x) * (1 - sigmoid(x)); claim does not hold at x=")


# A few constructs spelled out, so that a renderer test cannot pass on an empty page.
EXPECTED = (
    r"\frac{\partial}{\partial \mathbf{w}}\left(\mathbf{w} \odot \mathbf{x}\right)"
    r" = \operatorname{diag}\left(\mathbf{x}\right)",
    r"\begin{bmatrix}6 x y & 3 x^{2} \\ 2 & 8 y^{7}\end{bmatrix}",
    r"\left(\mathbf{w} \oslash \mathbf{x}\right)",
    r"\boldsymbol{\alpha} \cdot \mathbf{x}",
    r"\mathbb{1}\left[x > 0\right]",  # where(x > 0, 1, 0), the indicator
    r"\text{for } x > 0,\ x < 4",
    r"= \cancel{\sigma\left(x\right) \left(1 + \sigma\left(x\right)\right)}",  # :mistake:
)


def assert_expected(blocks: list[str]) -> None:
    for piece in EXPECTED:
        assert any(piece in block for block in blocks), piece


def test_mathjax_gets_each_block_in_display_delimiters(make_app, rootdir, tmp_path):
    app, page, blocks = build(make_app, rootdir, tmp_path)
    assert_expected(blocks)
    for div, block in zip(page.maths, blocks, strict=True):
        # Sphinx adds \begin{split} around blocks with line breaks; the math is intact
        text = div.text.strip()
        assert text.startswith(r"\[") and text.endswith(r"\]") and block in text, text
    assert app.config.mathjax_path in page.scripts


def test_katex_gets_each_block_for_its_auto_renderer(make_app, rootdir, tmp_path):
    app, page, blocks = build(make_app, rootdir, tmp_path,
                              extensions=["sphinx_vcr", "sphinxcontrib.katex"])
    assert_expected(blocks)
    # sphinxcontrib-katex writes the LaTeX unescaped; it must still parse as this text
    # (an unspaced "<" would open a tag and eat the math).
    assert [div.text.strip() for div in page.maths] == [rf"\[{b}\]" for b in blocks]
    assert app.config.mathjax_path not in page.scripts
    for script in ("katex.min.js", "auto-render.min.js", "katex_autorenderer.js"):
        assert f"_static/{script}" in page.scripts
        assert (app.outdir / "_static" / script).is_file()
    autorenderer = (app.outdir / "_static" / "katex_autorenderer.js").read_text()
    assert r'left: "\\[", right: "\\]", display: true' in autorenderer


@pytest.fixture
def katex_server() -> Iterator[None]:
    """Start sphinxcontrib-katex's Node.js render server for the build, and stop it.

    The extension starts it on first use and connects as soon as the socket file
    exists, which can be before the server listens (ECONNREFUSED under load); here the
    connection is retried. Stopping it at the end keeps no process past the test.
    """
    if shutil.which("node") is None:
        pytest.skip("node not installed: sphinxcontrib-katex prerenders with Node.js "
                    "(apt-get install nodejs)")
    from sphinxcontrib.katex import KaTeXServer

    rundir = Path(tempfile.mkdtemp(prefix="vcr-katex"))
    socket_path = rundir / "katex.sock"
    process = subprocess.Popen(KaTeXServer.build_command(socket=socket_path),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=rundir)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 30
    while True:
        try:
            sock.connect(str(socket_path))
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline or process.poll() is not None:
                sock.close()
                process.kill()
                process.wait()
                shutil.rmtree(rundir)
                pytest.fail("the KaTeX render server (node) did not start")
            time.sleep(0.02)
    KaTeXServer.katex_server = KaTeXServer(rundir, process, sock)
    try:
        yield
    finally:
        KaTeXServer.katex_server.terminate()
        KaTeXServer.katex_server = None


def test_katex_prerendering_parses_all_our_latex(make_app, rootdir, tmp_path, katex_server):
    """KaTeX supports less than LaTeX: rendering with KaTeX itself shows it accepts ours."""
    _, page, blocks = build(make_app, rootdir, tmp_path, katex_prerender=True,
                            extensions=["sphinx_vcr", "sphinxcontrib.katex"])
    for div, block in zip(page.maths, blocks, strict=True):
        # KaTeX does not raise (throwOnError is off): a parse error becomes a katex-error
        # span, an unknown command red text (errorColor); our math is never coloured
        assert "katex-error" not in div.classes and not div.colours, block
        assert "katex-display" in div.classes
        assert div.annotations == [block]


@pytest.mark.parametrize(("image_format", "converter"), [("png", "dvipng"),
                                                         ("svg", "dvisvgm")])
def test_imgmath_makes_an_image_of_each_block(make_app, rootdir, tmp_path,
                                              image_format: str, converter: str):
    require_tools("latex", converter, packages=f"{TEX_PACKAGES} {converter}")
    app, page, blocks = build(make_app, rootdir, tmp_path, imgmath_image_format=image_format,
                              extensions=["sphinx_vcr", "sphinx.ext.imgmath"])
    # imgmath turns a LaTeX failure into a warning and shows the source as text instead
    assert "latex" not in app.warning.getvalue().lower()
    sources = []
    for div, block in zip(page.maths, blocks, strict=True):
        (img,) = div.imgs
        assert img["alt"] == block
        assert img["src"].startswith("_images/math/") and img["src"].endswith(image_format)
        sources.append(img["src"])
        image = (app.outdir / img["src"]).read_bytes()
        if image_format == "png":
            assert image.startswith(b"\x89PNG")
            width, height = struct.unpack(">II", image[16:24])
            assert width > 40 and height > 10  # a formula, not an empty page
        else:
            assert b"<svg" in image and image.count(b"<use ") > 3  # glyphs placed
    made = {f"_images/math/{p.name}" for p in (app.outdir / "_images" / "math").iterdir()}
    assert made == set(sources) and len(made) == len(set(blocks))

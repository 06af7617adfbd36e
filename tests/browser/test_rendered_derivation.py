"""Derivations in a real browser: MathJax typesets the aligned steps, the remarks and the
crossed-out step of a ``:mistake:`` (``\\cancel``, which MathJax loads on first use)."""

from __future__ import annotations

import re
import shutil
from io import StringIO

from sphinx.testing.util import SphinxTestApp

from ..conftest import ROOTS
from . import chromium


def test_derivations_typeset_with_their_crossed_out_step(browser, tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    (www / "mathjax").symlink_to(chromium.mathjax())
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-derivation-latex", src)
    with chromium.serve(www) as url:
        app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "build", freshenv=True,
                            status=StringIO(), warning=StringIO(),
                            confoverrides={"mathjax_path": f"{url}/mathjax/tex-chtml.js"})
        try:
            app.build()
        finally:
            app.cleanup()
        assert app.statuscode == 0, app.warning.getvalue()
        (www / "site").symlink_to(app.outdir)
        source = (app.outdir / "index.html").read_text(encoding="utf8")
        dom = chromium.rendered_dom(f"{url}/site/index.html", tmp_path / "profile")
    assert source.count(r"\cancel{") == 1
    formulas = len(re.findall(r'class="math notranslate nohighlight"', source))
    assert formulas == 2
    assert len(re.findall(r"<mjx-container", dom)) == formulas
    assert "<mjx-merror" not in dom and "data-mjx-error" not in dom
    # an unknown macro (\cancel without its extension) is shown in red as its name
    assert not re.search(r'<mjx-mtext[^>]*style="color: red', dom)
    assert "<mjx-menclose" in dom and "<mjx-ustrike" in dom  # the step struck through

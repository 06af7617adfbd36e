"""Derivations in a real browser: MathJax typesets the aligned steps, the remarks and the
crossed-out step of a ``:mistake:`` (``\\cancel``, which MathJax loads on first use)."""

from __future__ import annotations

import re
import shutil

from ..conftest import ROOTS
from .served import site


def test_derivations_typeset_with_their_crossed_out_step(browser, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-derivation-latex", src)
    with site(tmp_path) as served:
        app = served.build(src, "site")
        assert app.statuscode == 0, app.warning.getvalue()
        source = (app.outdir / "index.html").read_text(encoding="utf8")
        dom = served.dom("site/index.html")
    assert source.count(r"\cancel{") == 1
    formulas = len(re.findall(r'class="math notranslate nohighlight"', source))
    assert formulas == 2
    assert len(re.findall(r"<mjx-container", dom)) == formulas
    assert "<mjx-merror" not in dom and "data-mjx-error" not in dom
    # an unknown macro (\cancel without its extension) is shown in red as its name
    assert not re.search(r'<mjx-mtext[^>]*style="color: red', dom)
    assert "<mjx-menclose" in dom and "<mjx-ustrike" in dom  # the step struck through

"""The other forms of names (spelled x\\_, alpha1 on the line, upright identity and step
function, sizes as math inside a text) typeset in a real browser, without MathJax errors."""

from __future__ import annotations

import re
import shutil

from ..conftest import ROOTS
from .served import site

PAGE = """Forms
=====

.. derivative:: x_*x + alpha1*alpha_1*x + pi_*pi
   :wrt: x

.. derivative:: theta*max(0, x) + e*exp(x) + sigma*sigmoid(x)
   :wrt: x

.. jacobian:: X @ v + I_2*v
   :wrt: v[2]
   :vars: X[2, 2]
   :expect: X + I_2*eye(2)

.. gradient:: sum(w) + w1
   :wrt: w[n_1]
"""


def test_every_form_of_a_name_typesets(browser, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-names", src)
    (src / "forms.rst").write_text(PAGE, encoding="utf8")
    (src / "index.rst").write_text((src / "index.rst").read_text(encoding="utf8")
                                   + "\n.. toctree::\n\n   forms\n", encoding="utf8")
    with site(tmp_path) as served:
        app = served.build(src, "site")
        for page in ("index", "forms"):
            source = (app.outdir / f"{page}.html").read_text(encoding="utf8")
            dom = served.dom(f"site/{page}.html")
            formulas = len(re.findall(r'class="math notranslate nohighlight"', source))
            assert formulas >= 4
            assert len(re.findall(r"<mjx-container", dom)) == formulas, page
            assert "<mjx-merror" not in dom and "data-mjx-error" not in dom, page
            assert not re.search(r'<mjx-mtext[^>]*style="color: red', dom), page

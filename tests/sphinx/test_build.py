"""Real Sphinx builds of the tiny projects in tests/roots."""

from __future__ import annotations

import re

import pytest

from ..conftest import shown_type


def warnings(app) -> str:
    return app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_right_claims_verify_and_render(app):
    app.build()
    assert app.statuscode == 0, warnings(app)
    assert "ERROR" not in warnings(app)
    assert "sphinx-vcr: 7 verified (6 claims), 0 failed, 0 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    for kind in ("derivative", "gradient", "jacobian", "chain-rule"):
        assert f'class="vcr vcr-{kind}' in html
    assert html.count("vcr-badge vcr-verified") == 6
    assert html.count("vcr-badge vcr-mistake") == 1
    # the math is ordinary math, with bold vectors and the chain-rule factorisation
    assert r"\mathbf{w} \odot \mathbf{x}" in html
    assert r"\frac{\partial a}{\partial z} \frac{\partial z}{\partial (\mathbf{w}, b)}" in html
    assert r"\text{for } \mathbf{w} \cdot \mathbf{x} + b &gt; 0" in html
    assert "vcr.css" in html
    # :name: makes a reference target
    assert 'href="#log-rule"' in html


@pytest.mark.sphinx("html", testroot="wrong", freshenv=True)
def test_wrong_claim_fails_the_build_at_its_line(app):
    app.build()
    assert app.statuscode == 1
    text = warnings(app)
    errors = [line for line in text.splitlines() if "ERROR" in line]
    assert len(errors) == 1, text
    assert re.search(r"index\.rst:10: ERROR: \[vcr\.jacobian\] claim does not hold at "
                     r"x=\S+, y=\S+: entry \(2, 2\) is 7\*y\*\*6 -> \S+ but the derivative "
                     r"is 8\*y\*\*7 -> \S+" + shown_type("mismatch"), errors[0]), errors[0]
    assert "sphinx-vcr: 2 verified (2 claims), 1 failed, 0 errors" in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert "vcr-badge vcr-failed" in html
    assert r"\neq" in html  # the wrong claim is shown, crossed out


@pytest.mark.sphinx("html", testroot="wrong", freshenv=True,
                    confoverrides={"vcr_fail_build": False})
def test_fail_build_off_keeps_status_zero(app):
    app.build()
    assert app.statuscode == 0
    assert "claim does not hold" in warnings(app)


@pytest.mark.sphinx("html", testroot="layout", freshenv=True)
def test_denominator_layout_from_config_and_option(app):
    app.build()
    assert app.statuscode == 0, warnings(app)
    assert "3 verified" in app.status.getvalue()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True,
                    confoverrides={"vcr_samples": 0, "vcr_layout": "sideways"})
def test_invalid_config_falls_back_with_a_warning(app):
    app.build()
    text = warnings(app)
    assert "invalid vcr_samples = 0" in text and "invalid vcr_layout" in text
    assert app.statuscode == 0


@pytest.mark.parametrize("builder", ["text", "latex", "man", "texinfo"])
def test_other_builders_render_readable_output(make_app, rootdir, tmp_path, builder):
    import shutil
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-wrong", src)
    app = make_app(builder, srcdir=src, freshenv=True)
    app.build()
    assert app.statuscode == 1
    output = "".join(p.read_text(encoding="utf8", errors="replace")
                     for p in app.outdir.rglob("*") if p.is_file()
                     and p.suffix in (".txt", ".tex", ".1", ".texi"))
    assert "Verified: claim verified symbolically" in output
    assert "Verification failed" in output and "vcr.mismatch" in output
    if builder == "latex":
        assert r"\mathbf{x}^{\top}" in output


@pytest.mark.sphinx("html", testroot="basic", freshenv=True,
                    confoverrides={"vcr_show_successes": True, "vcr_badge": False})
def test_show_successes_and_no_badge(app):
    app.build()
    assert app.status.getvalue().count("Verified: claim") >= 5
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert "vcr-badge vcr-verified" not in html


@pytest.mark.sphinx("html", testroot="wrong", freshenv=True,
                    confoverrides={"vcr_fail_fast": True})
def test_fail_fast_stops_checking_after_the_first_failure(app):
    app.build()
    assert app.statuscode == 1
    # the wrong jacobian is the second directive; the third is not checked
    assert ("sphinx-vcr: 1 verified (1 claim), 1 failed, 0 errors (1 not checked: vcr_fail_fast "
            "stopped at the first failure)") in app.status.getvalue()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert "vcr-badge vcr-skipped" in html


def test_rebuild_with_fresh_environment_reads_the_cache(make_app, rootdir, tmp_path,
                                                         monkeypatch):
    import shutil

    from sphinx_vcr.core.running import verify, worker

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-wrong", src)
    first = make_app("html", srcdir=src, freshenv=True)
    first.build()
    html = (first.outdir / "index.html").read_text(encoding="utf8")
    assert list((first.doctreedir / "vcr-cache").rglob("*.json"))

    def refuse(*args):
        raise AssertionError("recomputed")

    monkeypatch.setattr(verify, "_memo", verify.OrderedDict())
    monkeypatch.setattr(worker, "compute", refuse)
    second = make_app("html", srcdir=src, freshenv=True)  # like sphinx-build -E
    second.build()
    assert second.statuscode == 1
    assert "sphinx-vcr: 2 verified (2 claims), 1 failed, 0 errors" in second.status.getvalue()
    assert (second.outdir / "index.html").read_text(encoding="utf8") == html


@pytest.mark.sphinx("html", testroot="basic", freshenv=True,
                    confoverrides={"vcr_cache": False})
def test_no_cache_when_disabled(app):
    import shutil

    shutil.rmtree(app.doctreedir / "vcr-cache", ignore_errors=True)  # from other tests
    app.build()
    assert app.statuscode == 0
    assert not (app.doctreedir / "vcr-cache").exists()


def test_a_rebuild_served_by_the_cache_never_imports_sympy(rootdir, tmp_path):
    """Importing SymPy and NumPy is half a second: a warm ``-E`` build must not pay it."""
    import shutil
    import subprocess
    import sys

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-basic", src)
    out = tmp_path / "out"
    build = f"from sphinx.cmd.build import build_main; build_main(['-q', '-E', '{src}', '{out}'])"
    subprocess.run([sys.executable, "-c", build], check=True, capture_output=True)
    second = subprocess.run([sys.executable, "-c", build + "\nimport sys\n"
                             "print(sorted({'sympy', 'numpy', 'mpmath'} & set(sys.modules)))"],
                            check=True, capture_output=True, text=True)
    assert second.stdout.strip().splitlines()[-1] == "[]", second.stderr


def test_messages_keep_straight_quotes(make_app, tmp_path):
    """Sphinx's smart quotes would curl the quotes around an expression in a message."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinx_vcr"]\n')
    (src / "index.rst").write_text("Quotes\n======\n\n.. derivative:: foo(x)\n   :wrt: x\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf8")
    assert "unknown function 'foo'" in html
    assert "\u2018" not in html and "\u2019" not in html

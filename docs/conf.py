"""Sphinx configuration of the sphinx-vcr documentation (built with sphinx-vcr)."""

from importlib.resources import files

project = "sphinx-vcr"
author = "the sphinx-vcr developers"
copyright = "2026, the sphinx-vcr developers"

extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]

bibtex_bibfiles = ["refs.bib"]
vcr_cjk_join = True  # the chapter's hard-wrapped Chinese lines join with no stray space
exclude_patterns = ["_build"]
html_title = "sphinx-vcr"
html_theme = "furo"
html_static_path = ["_static"]

# MathJax from the build, not from a CDN: offline (or behind a firewall) the pages would
# show raw TeX. The wheel sphinx-mathjax-offline (the "docs" extra) holds MathJax 3.2.2
# unchanged; its folder is copied into _static like our own files. Not loaded as an
# extension: that one overrides any mathjax_path and fails `-W -j` builds (it does not
# say it is parallel-safe). See "Math with no network" in output.rst.
html_static_path.append(str(files("sphinx-mathjax-offline") / "static"))
mathjax_path = "mathjax/tex-chtml.js"

# PDF: the English tour (the Chinese chapter needs xelatex with CJK fonts). Build it with
#   python -m sphinx -M latexpdf docs docs/_build
latex_documents = [("tour", "sphinx-vcr-tour.tex", "sphinx-vcr: a tour", author, "howto")]

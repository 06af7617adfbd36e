"""Sphinx configuration of the sphinx-vcr documentation (built with sphinx-vcr)."""

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

# PDF: the English tour (the Chinese chapter needs xelatex with CJK fonts). Build it with
#   python -m sphinx -M latexpdf docs docs/_build
latex_documents = [("tour", "sphinx-vcr-tour.tex", "sphinx-vcr: a tour", author, "howto")]

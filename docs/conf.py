"""Sphinx configuration of the sphinx-vcr documentation (built with sphinx-vcr)."""

project = "sphinx-vcr"
author = "the sphinx-vcr developers"
copyright = "2026, the sphinx-vcr developers"

extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]

bibtex_bibfiles = ["refs.bib"]
exclude_patterns = ["_build"]
html_title = "sphinx-vcr"
html_theme = "furo"
html_static_path = ["_static"]

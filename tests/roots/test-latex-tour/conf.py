# docs/conf.py without the HTML theme: the test copies docs/tour.rst in as index.rst and
# docs/refs.bib beside it, so the page compiles to PDF as it stands in the docs.
project = "sphinx-vcr"
author = "the sphinx-vcr developers"
extensions = ["sphinx_vcr", "sphinxcontrib.bibtex"]
bibtex_bibfiles = ["refs.bib"]

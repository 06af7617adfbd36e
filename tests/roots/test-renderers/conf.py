# MathJax is the default; the tests switch to KaTeX or imgmath with confoverrides.
extensions = ["sphinx_vcr"]

# The recipe of docs/output.rst ("Math with no network"): MathJax 3 from the wheel
# sphinx-mathjax-offline, served from _static. The theme is Sphinx's default
# (alabaster), which gives math no box of its own: long formulas and long messages
# must keep to the page with sphinx-vcr's stylesheet alone.
from importlib.resources import files

extensions = ["sphinx_vcr"]
html_static_path = [str(files("sphinx-mathjax-offline") / "static")]
mathjax_path = "mathjax/tex-chtml.js"

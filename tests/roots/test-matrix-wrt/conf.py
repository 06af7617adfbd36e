extensions = ["myst_parser", "sphinx_vcr"]

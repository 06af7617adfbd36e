extensions = ["sphinx_vcr", "myst_parser"]

extensions = ["sphinx_vcr", "myst_parser"]
myst_enable_extensions = ["colon_fence"]

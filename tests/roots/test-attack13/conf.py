extensions = ["myst_parser", "sphinx_vcr"]
myst_enable_extensions = ["colon_fence"]

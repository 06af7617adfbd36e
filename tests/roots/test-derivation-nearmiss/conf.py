# No colon_fence: a ::: fence is a paragraph here, and no directive.
extensions = ["myst_parser", "sphinx_vcr"]

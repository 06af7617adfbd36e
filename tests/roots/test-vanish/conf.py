extensions = ["myst_parser", "sphinx_vcr"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}

extensions = ["sphinx_vcr"]

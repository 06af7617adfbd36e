extensions = ["sphinx_vcr"]
vcr_timeout = 3

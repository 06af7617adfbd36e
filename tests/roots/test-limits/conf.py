extensions = ["sphinx_vcr"]
vcr_timeout = 1

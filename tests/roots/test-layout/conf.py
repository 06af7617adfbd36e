extensions = ["sphinx_vcr"]
vcr_layout = "denominator"

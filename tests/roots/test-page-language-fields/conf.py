extensions = ["sphinx_vcr", "myst_parser"]
vcr_report = "vcr.json"

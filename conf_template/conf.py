# A starting conf.py for documentation whose derivatives are verified by sphinx-vcr.
# Written by `python -m sphinx_vcr quickstart DIR` (or copy this folder), then build:
#   python -m sphinx -b html . _build/html     (pages)
#   python -m sphinx -b vcr . _build/vcr       (check only, no pages)

project = "My course notes"
author = "Me"

extensions = [
    # .. derivative::, .. gradient::, .. jacobian::, .. chain-rule::, .. derivation::
    "sphinx_vcr",
]

exclude_patterns = ["_build"]

# sphinx-vcr settings (all optional; these are the defaults):
# vcr_layout = "numerator"    # or "denominator"
# vcr_samples = 5             # sample points per size
# vcr_sizes = (1, 2, 3)       # values of generic sizes such as n
# vcr_fail_build = True       # exit 1 when a claim is wrong
# vcr_timeout = 10            # seconds of CPU time per directive
# vcr_memory = 500            # megabytes per directive

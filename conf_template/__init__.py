"""The starting docs project that ``python -m sphinx_vcr quickstart DIR`` writes.

Shipped in the package as ``sphinx_vcr.conf_template``; its files are data, read with
:mod:`importlib.resources`, never imported.
"""

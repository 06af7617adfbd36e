"""The pure core of sphinx-vcr: parsing, shapes, calculus, numeric checking, LaTeX.

Nothing in this package imports Sphinx or docutils, so every piece can be tested and
reused on its own. The Sphinx layer (``sphinx_vcr.extension``) turns directive text into
a :class:`~sphinx_vcr.core.problem.Problem`, calls :func:`~sphinx_vcr.core.verify.verify`
and renders the :class:`~sphinx_vcr.core.outcome.Outcome` it gets back.
"""

"""The pure core of sphinx-vcr: it reads a directive's text and returns its outcome.

Nothing in this package imports Sphinx or docutils, so every piece can be tested and
reused on its own. Its subpackages, in the order a check goes through them:

- :mod:`.language`: the directive's text read as a problem (never executed);
- :mod:`.calculus`: values, shapes and derivatives at concrete sizes;
- :mod:`.checking`: sample points, finite differences and the comparison of a claim;
- :mod:`.rendering`: the LaTeX, badges and messages a reader sees;
- :mod:`.running`: the entry point (:func:`.running.verify.check`), its memo, cache,
  worker processes and limits.

Beside them, leaves that all of these share: :mod:`.outcome` (the result of a check),
:mod:`.records` (its settings, and what one run of it computed), :mod:`.errors` and
:mod:`.words` (translated messages).
"""

"""The language of directives: what an author writes, read without executing any of it.

``syntax`` (the expression tree), ``parse`` (text to tree, a whitelist over Python's
``ast``), ``block`` (a directive's block split into argument, options and content),
``scan`` (directives found in a source file, for the prefetch) and ``problem`` (one
directive's text as a :class:`~.problem.Problem`: what to differentiate, by what, and
the claim).
"""

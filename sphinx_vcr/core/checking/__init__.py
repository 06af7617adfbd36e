"""Checking a derivative and a claim numerically and exactly.

``numeric`` (sample points and finite differences), ``compare`` (a claim against the
derivative: at points, exactly, then widely), ``certified`` (interval enclosures that
prove a difference non-zero), and the wide probes: ``boundaries`` and ``intervals``
(the zeros of conditions and kinks) and ``regions`` (a probe point in every cell
between them).
"""

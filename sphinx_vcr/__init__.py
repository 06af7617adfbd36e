"""sphinx-vcr: derivatives in Sphinx documentation, computed and verified at build time.

Add ``"sphinx_vcr"`` to ``extensions`` in ``conf.py`` and write ``.. derivative::``,
``.. gradient::``, ``.. jacobian::`` or ``.. chain-rule::`` directives. Each computes its
derivative with SymPy, checks it by finite differences, checks the author's ``:expect:``
claim, and renders the verified math; a wrong claim fails the build at its line. A
``.. derivation::`` checks each step of a chain of equal forms against the one before.

Directive options (every directive): ``:wrt:`` variables (``x, y``, ``x[3]``, ``w[n]``),
``:vars:`` shapes of parameters, ``:expect:`` the claimed derivative, ``:where:``
conditions on the checked region, ``:layout:`` numerator or denominator, ``:name:`` a
reference target, ``:mistake:`` a claim known to be wrong. Configuration values are
listed in :mod:`sphinx_vcr.extension.config`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


#: Thread pools of the numerical libraries, capped before NumPy is first imported. Our
#: arrays are tiny, so threads only cost; under ``sphinx-build -j N`` every worker would
#: otherwise start one thread per core. A value the user set is left alone.
THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    import os

    for variable in THREAD_LIMITS:
        os.environ.setdefault(variable, "1")
    from .core.running.cache import code_digest
    from .extension import setup as setup_extension

    setup_extension(app)
    return {
        "version": __version__,
        # From the code itself: documents read by older code are read again, so their
        # records (and the outcomes in them) never outlive the code that made them.
        "env_version": int(code_digest()[:12], 16),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

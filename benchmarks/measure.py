"""``python -m benchmarks.measure ARGS``: ``sphinx-build ARGS``, then its peak memory.

The last line printed is ``PEAK_KB=<main> <workers>``: the largest resident set of the
main process and of any worker process (``-j`` readers, and the processes that compute
directives), in KiB.
"""

from __future__ import annotations

import resource
import sys

from sphinx.cmd.build import main

if __name__ == "__main__":
    code = main(sys.argv[1:])
    # The process that computed the directives ends with the build's process, after this
    # line: end it now, so that its peak counts among the workers'.
    from sphinx_vcr.core.running import worker

    worker.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"PEAK_KB={own} {workers}")
    sys.exit(code)

"""Running a directive's check: the entry point, its memo and cache, and its limits.

``verify`` (the front door: text in, outcome out; memo, cache, prefetch), ``pipeline``
(the computation itself), ``worker`` (worker processes killed when a directive
overruns its time or memory), ``limits`` (time limits inside a process) and ``cache``
(outcomes kept on disk, signed).
"""

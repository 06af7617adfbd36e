"""``python -m benchmarks.run [--repeat N] [--quick]``: measure sphinx-vcr, write RESULTS.md.

Every build runs in a fresh process (``python -m benchmarks.measure``), variants are
alternated within each round, and each figure is the median over the rounds. The floor
is the same pages with every directive replaced by the static ``.. math::`` it renders,
built in the same run. "Cold" builds start from an empty build directory, so nothing is
cached; "warm" builds use ``-E`` (a fresh environment, every page read again) over a
build directory whose verification cache is filled, and are compared with the floor
rebuilt the same way.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from io import StringIO
from pathlib import Path

from sphinx_vcr.core.language import scan

from . import projects

HERE = Path(__file__).resolve().parent


def build(src: Path, out: Path, *flags: str, fresh: bool) -> tuple[float, int, int]:
    """One build: (seconds, peak KiB of the main process, peak KiB of a worker)."""
    if fresh and out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "benchmarks.measure", "-q", "-b", "html", *flags,
               str(src), str(out)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=projects.ROOT)
    elapsed = time.perf_counter() - start
    peak = result.stdout.strip().splitlines()[-1]
    if result.returncode != 0 or not peak.startswith("PEAK_KB="):
        raise RuntimeError(f"build of {src} failed:\n{result.stderr[-2000:]}")
    main, workers = (int(v) for v in peak.removeprefix("PEAK_KB=").split())
    return elapsed, main, workers


def per_directive(sources: list[Path]) -> tuple[dict[str, list[float]], str]:
    """Seconds of one uncached check per directive, by kind; and a profile of them."""
    from sphinx_vcr.core.running import verify

    found = []
    for source in sources:
        for path in sorted(source.glob("*.rst")):
            text = path.read_text(encoding="utf8")
            found += scan.directives(text)
    for case in found[:10]:  # warm-up: imports, first compilations
        verify.check(*case)
    times: dict[str, list[float]] = defaultdict(list)
    for case in found:
        verify._memo.clear()
        start = time.perf_counter()
        verify.check(*case)
        times[case[0]].append(time.perf_counter() - start)
    # The profile in a pass of its own: the profiler's overhead must not inflate times.
    # In this process (worker.run), since a check's work is done in a worker process.
    from sphinx_vcr.core.records import Settings
    from sphinx_vcr.core.running import worker

    profile = cProfile.Profile()
    for case in found:
        job = (*case, Settings(), verify._key(*case))
        profile.enable()
        worker.run(job)
        profile.disable()
    text = StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(18)
    return times, text.getvalue()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import mpmath
    import numpy
    import sphinx
    import sympy

    from sphinx_vcr import __version__
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"Sphinx {sphinx.__version__}, SymPy {sympy.__version__}, NumPy "
            f"{numpy.__version__}, mpmath {mpmath.__version__}, sphinx-vcr {__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="one round and a 100-directive project (a smoke test)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.repeat
    pages = 10 if args.quick else 50
    work = Path(tempfile.mkdtemp(prefix="vcr-bench-"))
    print(f"building projects in {work}", flush=True)
    src = {
        "chapter": projects.chapter(work / "chapter", static=False),
        "chapter-static": projects.chapter(work / "chapter-static", static=True),
        "full": projects.generated(work / "full", pages, 10, static=False),
        "half": projects.generated(work / "half", pages // 2, 10, static=False, seed=1),
        "full-static": projects.generated(work / "full-static", pages, 10, static=True),
    }
    no_cache = ("-D", "vcr_cache=0")
    variants = {
        "chapter, static floor": (src["chapter-static"], (), True),
        "chapter, static floor (-E)": (src["chapter-static"], ("-E",), False),
        "chapter, sphinx-vcr, cold": (src["chapter"], no_cache, True),
        "chapter, sphinx-vcr, warm (-E)": (src["chapter"], ("-E",), False),
        "project, static floor": (src["full-static"], (), True),
        "project, static floor (-E)": (src["full-static"], ("-E",), False),
        "project, cold, -j 1": (src["full"], no_cache, True),
        "project, cold, -j 2": (src["full"], (*no_cache, "-j", "2"), True),
        "half project, cold, -j 1": (src["half"], no_cache, True),
        "project, warm (-E)": (src["full"], ("-E",), False),
    }
    # Fill the caches the warm variants read.
    for name, (source, _, fresh) in variants.items():
        if not fresh:
            build(source, work / "out" / name, fresh=True)
    results: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for round_ in range(rounds):
        for name, (source, flags, fresh) in variants.items():
            results[name].append(build(source, work / "out" / name, *flags, fresh=fresh))
            print(f"round {round_ + 1}: {name}: {results[name][-1][0]:.2f} s", flush=True)
    times, profile = per_directive([src["chapter"], src["full"]])
    report(results, times, profile, rounds, pages * 10, work)
    shutil.rmtree(work, ignore_errors=True)


def report(results: dict, times: dict, profile: str, rounds: int, count: int,
           work: Path) -> None:
    median = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}

    def ratio(name: str, base: str) -> float:
        """The median over rounds of the ratio within each round: the variants of a
        round ran back to back, so the machine's drift between rounds cancels out."""
        return statistics.median(a[0] / b[0] for a, b in zip(results[name], results[base]))

    def floor_of(name: str) -> str:
        if "-E" in name:  # a warm rebuild is compared with the floor rebuilt alike
            return f"{name.split(',')[0]}, static floor (-E)"
        return "chapter, static floor" if name.startswith("chapter") else \
            "project, static floor"

    cold, half = median["project, cold, -j 1"], median["half project, cold, -j 1"]
    linear = ratio("project, cold, -j 1", "half project, cold, -j 1")
    speedup = ratio("project, cold, -j 1", "project, cold, -j 2")
    lines = [
        "# Benchmark results", "",
        f"Run on {datetime.date.today().isoformat()}: {machine()}.",
        f"Command: `python -m benchmarks.run --repeat {rounds}` ({rounds} alternating "
        "rounds). Times are medians over the rounds; ratios are medians over the rounds of "
        "the ratio within each round.", "",
        "## Builds", "",
        "| build | median s | vs its floor |", "| --- | ---: | ---: |",
    ]
    for name, value in median.items():
        lines.append(f"| {name} | {value:.2f} | {ratio(name, floor_of(name)):.2f}x |")
    all_times = [t for kind in times.values() for t in kind]
    # Largest process: since directives are computed in a worker, -j 1 has two too.
    peak = max(max(r[1], r[2]) for r in results["project, cold, -j 1"])
    peak_j2 = max(max(r[1], r[2]) for r in results["project, cold, -j 2"])
    lines += [
        "", "## Targets", "",
        "| target | measured | met |", "| --- | --- | --- |",
        _row("(a) chapter at most 1.5x the static floor (cold)",
             ratio("chapter, sphinx-vcr, cold", "chapter, static floor"), 1.5),
        _row("(a) chapter at most 1.5x the static floor (warm cache, both -E)",
             ratio("chapter, sphinx-vcr, warm (-E)", "chapter, static floor (-E)"), 1.5),
        _row("(b) median per-directive check at most 20 ms",
             statistics.median(all_times) * 1000, 20, unit=" ms"),
        # Linear: twice the directives cost at most twice the time (start-up is a
        # constant, so the ratio comes out below 2); the marginal cost is per directive.
        f"| (c) linear in directives: {count} vs {count // 2} directives | "
        f"{linear:.2f}x the time for 2x the directives; "
        f"{(cold - half) / (count - count // 2) * 1000:.0f} ms per added directive | "
        f"{'yes' if linear <= 2.2 else 'no'} |",
        f"| (c) -j 2 speed-up at least 1.6x | {speedup:.2f}x | "
        f"{'yes' if speedup >= 1.6 else 'no'} |",
        f"| (c) time per directive (cold, -j 1) | {cold / count * 1000:.0f} ms | - |",
        _row("(d) -E rebuild, unchanged content, at most 1.15x the floor (both -E)",
             ratio("project, warm (-E)", "project, static floor (-E)"), 1.15),
        f"| (e) peak memory of (c) | {peak / 1024:.0f} MiB largest process (-j 1); "
        f"{peak_j2 / 1024:.0f} MiB largest process (-j 2) | - |",
        "", "## Per-directive cost (uncached check, after warm-up)", "",
        "| kind | count | median ms | 90th percentile ms |", "| --- | ---: | ---: | ---: |",
    ]
    for kind, values in sorted(times.items()):
        lines.append(f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
                     f"{percentile(values, 0.9) * 1000:.1f} |")
    lines += ["", "## Where the time goes (cProfile of the per-directive checks)", "",
              "```text", *profile.strip().splitlines()[:45], "```", ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf8")]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf8")
    print("\n".join(lines))


def _row(what: str, value: float, limit: float, unit: str = "x") -> str:
    return f"| {what} | {value:.2f}{unit} | {'yes' if value <= limit else 'no'} |"


if __name__ == "__main__":
    main()

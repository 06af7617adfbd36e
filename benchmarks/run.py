"""``python -m benchmarks.run [--repeat N] [--quick]``: measure sphinx-vcr, write RESULTS.md.

Every build runs in a fresh process (``python -m benchmarks.measure``), variants are
alternated within each round, and each figure is the median over the rounds. The floor
is the same pages with every directive replaced by the static ``.. math::`` it renders,
built in the same run. "Cold" builds start from an empty build directory, so nothing is
cached; "warm" builds use ``-E`` (a fresh environment, every page read again) over a
build directory whose verification cache is filled, and are compared with the floor
rebuilt the same way.

The peers (:mod:`.peers`: sphinx.ext.doctest and myst-nb running the same checks in
SymPy) are built in the same rounds, alternating with the rest, and compared with the
floor of the same round. Without the ``bench`` extra they are left out, and RESULTS.md
says so and how to install them.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pickle
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

from . import peers, projects

HERE = Path(__file__).resolve().parent


def build(src: Path, out: Path, *flags: str, fresh: bool,
          builder: str = "html") -> tuple[float, int, int]:
    """One build: (seconds, peak KiB of the main process, peak KiB of a worker)."""
    if fresh and out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "benchmarks.measure", "-q", "-b", builder, *flags,
               str(src), str(out)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=projects.ROOT)
    elapsed = time.perf_counter() - start
    peak = result.stdout.strip().splitlines()[-1]
    if result.returncode != 0 or not peak.startswith("PEAK_KB="):
        raise RuntimeError(f"build of {src} failed:\n{result.stderr[-2000:]}"
                           f"{result.stdout[-2000:]}")
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


#: A variant: its project, its sphinx-build flags, whether it starts from nothing, and
#: its builder. A peer that uses doctest is two builds (html, then doctest), timed
#: together: what its author runs to get verified pages.
Variant = tuple[Path, tuple[str, ...], bool, str]


def variants(src: dict[str, Path]) -> dict[str, list[Variant]]:
    """Every build of a round, in the order they alternate."""
    no_cache = ("-D", "vcr_cache=0")
    found: dict[str, list[Variant]] = {}
    for what in ("chapter", "project"):
        found[f"{what}, static floor"] = [(src[f"{what}-static"], (), True, "html")]
        found[f"{what}, static floor (-E)"] = [(src[f"{what}-static"], ("-E",), False,
                                                "html")]
        found[f"{what}, sphinx-vcr, cold"] = [(src[what], no_cache, True, "html")]
        if what == "project":
            found["project, sphinx-vcr, cold, -j 2"] = [
                (src[what], (*no_cache, "-j", "2"), True, "html")]
        found[f"{what}, sphinx-vcr, cached (-E)"] = [(src[what], ("-E",), False, "html")]
        if f"{what}-doctest" in src:
            found[f"{what}, peer: sphinx.ext.doctest"] = [
                (src[f"{what}-doctest"], (), True, "html"),
                (src[f"{what}-doctest"], (), True, "doctest")]
        if f"{what}-notebook" in src:
            found[f"{what}, peer: myst-nb"] = [(src[f"{what}-notebook"], (), True, "html")]
    return found


def timed(name: str, steps: list[Variant], out: Path) -> tuple[float, int, int]:
    """Run a variant's builds; its time is their sum, its memory their largest."""
    total, main, workers = 0.0, 0, 0
    for k, (source, flags, fresh, builder) in enumerate(steps):
        elapsed, own, child = build(source, out / name / f"{k}-{builder}", *flags,
                                    fresh=fresh, builder=builder)
        total, main, workers = total + elapsed, max(main, own), max(workers, child)
    return total, main, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="one round and a 50-directive project (a smoke test)")
    parser.add_argument("--no-peers", action="store_true",
                        help="leave the peers (doctest, myst-nb) out")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.repeat
    pages = 5 if args.quick else 20
    began, load_start = time.perf_counter(), os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="vcr-bench-"))
    print(f"building projects in {work}", flush=True)
    src = {
        "chapter": projects.chapter(work / "chapter", static=False),
        "chapter-static": projects.chapter(work / "chapter-static", static=True),
        "project": projects.generated(work / "project", pages, 10, static=False),
        "project-static": projects.generated(work / "project-static", pages, 10,
                                             static=True),
    }
    absent = peers.missing()
    skipped = ("left out (--no-peers)" if args.no_peers else
               f"not measured: {', '.join(absent)} not installed; install them with "
               '`python -m pip install -e ".[bench]"`' if absent else "")
    if not skipped:
        for kind in ("doctest", "notebook"):
            src[f"chapter-{kind}"] = peers.chapter(work / f"chapter-{kind}", kind)
            src[f"project-{kind}"] = peers.generated(work / f"project-{kind}", pages, 10,
                                                     kind)
    planned = variants(src)
    out = work / "out"
    # Fill the caches and outputs the -E variants read.
    for name, steps in planned.items():
        if not steps[0][2]:
            build(steps[0][0], out / name / f"0-{steps[0][3]}", fresh=True)
    results: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    failed: dict[str, str] = {}
    for round_ in range(rounds):
        for name, steps in planned.items():
            if name in failed:
                continue
            try:
                results[name].append(timed(name, steps, out))
            except RuntimeError as err:
                if "peer:" not in name:
                    raise
                # its last words, not the PEAK_KB line the measuring wrapper prints
                said = [line for line in str(err).strip().splitlines()
                        if line.strip() and not line.startswith("PEAK_KB=")]
                failed[name] = said[-1][:300] if said else "no output"
                results.pop(name, None)
                print(f"round {round_ + 1}: {name}: FAILED: {failed[name]}", flush=True)
                continue
            print(f"round {round_ + 1}: {name}: {results[name][-1][0]:.2f} s", flush=True)
    times, profile = per_directive([src["chapter"], src["project"]])
    context = {"rounds": rounds, "count": pages * 10, "skipped": skipped,
               "failed": failed, "load": (load_start, os.getloadavg()),
               "seconds": time.perf_counter() - began, "quick": args.quick}
    # Kept, so that a report can be written again from the same measurements.
    with open(Path(tempfile.gettempdir()) / "vcr-bench-last.pickle", "wb") as file:
        pickle.dump((dict(results), dict(times), profile, context), file)
    report(results, times, profile, context)
    shutil.rmtree(work, ignore_errors=True)


def report(results: dict, times: dict, profile: str, context: dict,
           target: Path = HERE / "RESULTS.md") -> str:
    """Write the results to ``target`` (and print them); returns the text."""
    rounds, count = context["rounds"], context["count"]
    median = {name: statistics.median(r[0] for r in runs) for name, runs in results.items()}

    def ratio(name: str, base: str) -> float:
        """The median over rounds of the ratio within each round: the variants of a
        round ran back to back, so the machine's drift between rounds cancels out."""
        return statistics.median(a[0] / b[0] for a, b in zip(results[name], results[base]))

    def floor_of(name: str) -> str:
        what = name.split(",")[0]
        # a cached rebuild is compared with the floor rebuilt alike
        return f"{what}, static floor (-E)" if "-E" in name else f"{what}, static floor"

    speedup = ratio("project, sphinx-vcr, cold", "project, sphinx-vcr, cold, -j 2")
    (start1, start5, _s15), (end1, end5, _e15) = context["load"]
    quiet = max(start1, end1) < 0.5
    command = "python -m benchmarks.run" + (" --quick" if context["quick"] else
                                            f" --repeat {rounds}")
    lines = [
        "# Benchmark results", "",
        f"Run on {datetime.date.today().isoformat()}, commit {commit()}: {machine()}.",
        f"Command: `{command}` ({rounds} alternating rounds, "
        f"{context['seconds'] / 60:.1f} minutes in all). Times are medians over the "
        "rounds; ratios are medians over the rounds of the ratio within each round.",
        f"Load average (1 and 5 minutes) at the start {start1:.2f}, {start5:.2f}; at the "
        f"end {end1:.2f}, {end5:.2f}: the machine was "
        f"{'quiet' if quiet else 'not quiet (other work was running)'}.", "",
        f"The chapter is `docs/chapter/vector-chain-rule.zh.rst` "
        f"({sum(len(v) for k, v in times.items()) - count} directives); the project is "
        f"{count} generated directives over {count // 10} pages "
        "(`benchmarks/projects.py`).", "",
        "## Builds", "",
        "| build | median s | vs its floor |", "| --- | ---: | ---: |",
    ]
    for name, value in median.items():
        lines.append(f"| {name} | {value:.2f} | {ratio(name, floor_of(name)):.2f}x |")
    all_times = [t for kind in times.values() for t in kind]
    peak = max(max(r[1], r[2]) for r in results["project, sphinx-vcr, cold"])
    peak_j2 = max(max(r[1], r[2]) for r in results["project, sphinx-vcr, cold, -j 2"])
    chapter_peak = max(max(r[1], r[2]) for r in results["chapter, sphinx-vcr, cold"])
    floor_peak = max(max(r[1], r[2]) for r in results["project, static floor"])
    lines += [
        "", "## Targets (issue 15)", "",
        "| target | measured | met |", "| --- | --- | --- |",
        _row("chapter cold at most 1.5x the static floor",
             ratio("chapter, sphinx-vcr, cold", "chapter, static floor"), 1.5),
        _row(f"{count} directives cold (-j 1) at most 2x the static floor",
             ratio("project, sphinx-vcr, cold", "project, static floor"), 2.0),
        _row("median directive (one uncached check) at most 3 ms",
             statistics.median(all_times) * 1000, 3.0, unit=" ms"),
        _row("chapter, cached -E rebuild at most 1.1x the floor (both -E)",
             ratio("chapter, sphinx-vcr, cached (-E)", "chapter, static floor (-E)"), 1.1),
        _row(f"{count} directives, cached -E rebuild at most 1.1x the floor (both -E)",
             ratio("project, sphinx-vcr, cached (-E)", "project, static floor (-E)"), 1.1),
        f"| {count} directives cold, -j 2 at least 1.6x faster than -j 1 "
        f"({'quiet' if quiet else 'not a quiet'} machine: load {start1:.2f} at the start, "
        f"{end1:.2f} at the end) | {speedup:.2f}x | {'yes' if speedup >= 1.6 else 'no'} |",
        f"| peak memory (largest process of the build) | chapter {chapter_peak / 1024:.0f} "
        f"MiB; {count} directives {peak / 1024:.0f} MiB (-j 1), {peak_j2 / 1024:.0f} MiB "
        f"(-j 2); its static floor {floor_peak / 1024:.0f} MiB | - |",
    ]
    lines += _peer_rows(results, ratio, context)
    lines += ["", "## Per-directive cost (uncached check, after warm-up)", "",
              "| kind | count | median ms | 90th percentile ms |",
              "| --- | ---: | ---: | ---: |"]
    for kind, values in sorted(times.items()):
        lines.append(f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
                     f"{percentile(values, 0.9) * 1000:.1f} |")
    lines += ["", "## Where the time goes (cProfile of the per-directive checks)", "",
              "```text", *profile.strip().splitlines()[:45], "```", ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf8")]
    text = "\n".join(lines)
    target.write_text(text, encoding="utf8")
    print(text)
    return text


def _peer_rows(results: dict, ratio, context: dict) -> list[str]:
    """The acceptance of issue 15 (the chapter ahead of both peers), and the peers'
    ratios, or why they are missing."""
    lines = ["", "## Against the peers (what an author would use instead)", ""]
    if context["skipped"]:
        return [*lines, f"The peers were {context['skipped']}.", ""]
    lines += ["Each peer builds the same pages (the static twin) and runs the same checks "
              "in SymPy and NumPy, generated from the same directives "
              "(`benchmarks/peers.py`); the doctest peer is `-b html` then `-b doctest`, "
              "timed together. Ratios are to the static floor of the same round.", "",
              "| pages | sphinx-vcr cold | peer | peer vs floor | sphinx-vcr ahead |",
              "| --- | ---: | --- | ---: | --- |"]
    for what in ("chapter", "project"):
        ours = ratio(f"{what}, sphinx-vcr, cold", f"{what}, static floor")
        for peer in ("sphinx.ext.doctest", "myst-nb"):
            name = f"{what}, peer: {peer}"
            if name in context["failed"]:
                lines.append(f"| {what} | {ours:.2f}x | {peer} | failed: "
                             f"{context['failed'][name]} | - |")
                continue
            theirs = ratio(name, f"{what}, static floor")
            ahead = ratio(name, f"{what}, sphinx-vcr, cold")
            lines.append(f"| {what} | {ours:.2f}x | {peer} | {theirs:.2f}x | "
                         f"{'yes' if ahead > 1 else 'no'} ({ahead:.1f}x faster) |")
    return [*lines, ""]


def commit() -> str:
    """The commit measured (with "+changes" when the work tree differs from it)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=projects.ROOT, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, cwd=projects.ROOT).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty.strip() else "")


def _row(what: str, value: float, limit: float, unit: str = "x") -> str:
    return f"| {what} | {value:.2f}{unit} | {'yes' if value <= limit else 'no'} |"


if __name__ == "__main__":
    main()

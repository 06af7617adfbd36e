"""How the suite is spread over worker processes (pytest-xdist, ``-n auto --dist loadgroup``).

Many tests read one Sphinx build made by a module- or class-scoped fixture (a hostile
corpus, the chapter's mutants, the docs in a browser). Sent to two workers, such tests
would make that build twice, so all the tests of a file that share such a fixture go to
one worker, with those marked ``xdist_group(name)`` as xdist documents, and those of any
file that read one session-scoped shared build (the worked chapter, tests/building.py);
every other test is scheduled on its own.

xdist's own ``loadgroup`` learns the groups from a suffix it writes into each test's node
id; pytest 9.2 keeps node ids elsewhere, and the groups are silently lost
(pytest-dev/pytest-xdist#1386). So the workers, which collect the tests and see their
fixtures, write the groups to a file the controller named, and the scheduler here reads
them when it splits the tests into units.

The units are handed out longest first (:func:`longest_first`), by the seconds each test
took in an earlier run (``durations.json``, written by ``python -m tests.distribution
JUNIT_XML`` from a run's ``--junitxml``): a long build started last would keep one worker
busy while the other sits idle. A test it does not know is taken as quick; the file only
orders the work, so a stale one costs time, never a test.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from .building import SHARED

#: The key of ``workerinput`` naming the folder the workers write their groups into.
FOLDER = "vcr_groups"
#: That folder, in the controller's config.
_folder = pytest.StashKey[Path]()
#: Seconds per test id, from an earlier run; tests that took under :data:`NOTED` are left out.
DURATIONS = Path(__file__).with_name("durations.json")
NOTED = 2.0

try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # xdist is part of the test extra; without it there is nothing to spread
    LoadScopeScheduling = None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """No worker processes when only files or single tests are named: starting workers
    (each importing SymPy and Sphinx) costs more than a file's tests gain from them.
    Otherwise (a folder, or the whole suite) xdist's own count, one per core."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    here = config.invocation_params.dir
    named = [here / arg.split("::")[0] for arg in config.args]
    if named and all(path.is_file() for path in named):
        return 0
    return None


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and config.pluginmanager.hasplugin("xdist"):
        config.stash[_folder] = Path(tempfile.mkdtemp(prefix="vcr-groups-"))


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_folder, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput[FOLDER] = str(node.config.stash[_folder])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") == "loadgroup" and _folder in config.stash:
        # Keep the order the workers collected in (longest first), not xdist's by size.
        config.option.loadscopereorder = False
        return SharedFixtureScheduling(config, log, config.stash[_folder])
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a worker: order the tests longest unit first, and write each grouped test's
    group, by node id (after deselection). Every worker orders them alike."""
    folder = getattr(config, "workerinput", {}).get(FOLDER)
    if folder is None:
        return
    groups = {item.nodeid: group for item in items if (group := shared_group(item))}
    items[:] = longest_first(items, groups, durations())
    # Written aside and renamed: the controller must never read half a file.
    target = Path(folder) / f"{config.workerinput['workerid']}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(groups), encoding="utf8")
    os.replace(partial, target)


def durations() -> dict[str, float]:
    """Seconds per test id from :data:`DURATIONS` (none if it is missing or unreadable)."""
    try:
        noted = json.loads(DURATIONS.read_text(encoding="utf8"))
    except (OSError, ValueError):
        return {}
    return noted if isinstance(noted, dict) else {}


def longest_first(items: list[Any], groups: dict[str, str],
                  seconds: dict[str, float]) -> list[Any]:
    """``items`` with each unit (the tests of a group, or one test) kept together and in
    order, the units by their ``seconds`` added up, longest first; ties keep their order."""
    units: dict[str, list[Any]] = {}
    for item in items:
        units.setdefault(groups.get(item.nodeid, item.nodeid), []).append(item)
    cost = {unit: sum(float(seconds.get(item.nodeid, 0)) for item in members)
            for unit, members in units.items()}
    order = sorted(units, key=lambda unit: -cost[unit])  # sorted is stable
    return [item for unit in order for item in units[unit]]


def noted_durations(junit: Path, root: Path) -> dict[str, float]:
    """The seconds of each test of a ``--junitxml`` report that took at least
    :data:`NOTED`, by node id (the report names a test by its module and class)."""
    found = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        seconds = float(case.get("time", 0))
        parts = case.get("classname", "").split(".")
        for cut in range(len(parts), 0, -1):
            module = "/".join(parts[:cut]) + ".py"
            if seconds >= NOTED and (root / module).is_file():
                found["::".join([module, *parts[cut:], case.get("name", "")])] = round(seconds, 1)
                break
    return dict(sorted(found.items()))


def shared_group(item: pytest.Item) -> str | None:
    """The group ``item`` must run in: its ``xdist_group`` mark's name, else the names of
    the shared builds it reads (:func:`tests.building.shared_build`), else its file's
    (or, for a package-scoped fixture, its folder's) path if it uses a fixture of the
    suite's own that is shared wider than one test; else None, any worker will do.
    Fixtures of plugins (Sphinx's module-scoped autouse one) cost nothing and do not count.
    """
    marks = sorted(str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                   for mark in item.iter_markers("xdist_group"))
    if marks:
        return "_".join(marks)
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    # A session-scoped shared build (tests/building.py) is read by tests of several
    # files: they all go where it is built, whatever else they share.
    shared = sorted(name for name, definitions in info.name2fixturedefs.items()
                    if definitions and getattr(definitions[-1].func, SHARED, False))
    if shared:
        return "build:" + "+".join(shared)
    scopes = {definitions[-1].scope for definitions in info.name2fixturedefs.values()
              if definitions and definitions[-1].baseid}
    path = Path(str(item.path)).relative_to(Path(str(item.config.rootpath)))
    if "package" in scopes:
        return path.parent.as_posix()
    if scopes & {"module", "class"}:
        return path.as_posix()
    return None


if LoadScopeScheduling is not None:

    class SharedFixtureScheduling(LoadScopeScheduling):
        """xdist's ``loadscope`` with a unit per group and one per ungrouped test."""

        def __init__(self, config: pytest.Config, log: Any, folder: Path) -> None:
            super().__init__(config, log)
            self.folder = folder
            self.groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                # Every worker collected the same tests (xdist checks that first).
                written = sorted(self.folder.glob("*.json"))
                self.groups = json.loads(written[0].read_text(encoding="utf8")) if written else {}
            group = self.groups.get(nodeid)
            return nodeid if group is None else f"group:{group}"


if __name__ == "__main__":
    # python -m tests.distribution JUNIT_XML: note its durations for the next runs' order
    noted = noted_durations(Path(sys.argv[1]), Path(__file__).resolve().parents[1])
    DURATIONS.write_text(json.dumps(noted, indent=0) + "\n", encoding="utf8")

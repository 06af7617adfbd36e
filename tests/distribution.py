"""How the suite is spread over worker processes (pytest-xdist, ``-n auto --dist loadgroup``).

Many tests read one Sphinx build made by a module- or class-scoped fixture (a hostile
corpus, the chapter's mutants, the docs in a browser). Sent to two workers, such tests
would make that build twice, so all the tests of a file that share such a fixture go to
one worker, with those marked ``xdist_group(name)`` as xdist documents; every other test
is scheduled on its own.

xdist's own ``loadgroup`` learns the groups from a suffix it writes into each test's node
id; pytest 9.2 keeps node ids elsewhere, and the groups are silently lost
(pytest-dev/pytest-xdist#1386). So the workers, which collect the tests and see their
fixtures, write the groups to a file the controller named, and the scheduler here reads
them when it splits the tests into units.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

#: The key of ``workerinput`` naming the folder the workers write their groups into.
FOLDER = "vcr_groups"
#: That folder, in the controller's config.
_folder = pytest.StashKey[Path]()

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
        return SharedFixtureScheduling(config, log, config.stash[_folder])
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a worker: write each grouped test's group, by node id (after deselection)."""
    folder = getattr(config, "workerinput", {}).get(FOLDER)
    if folder is None:
        return
    groups = {item.nodeid: group for item in items if (group := shared_group(item))}
    # Written aside and renamed: the controller must never read half a file.
    target = Path(folder) / f"{config.workerinput['workerid']}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(groups), encoding="utf8")
    os.replace(partial, target)


def shared_group(item: pytest.Item) -> str | None:
    """The group ``item`` must run in: its ``xdist_group`` mark's name, else its file's
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


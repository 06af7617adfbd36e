"""The suite's spread over worker processes (tests/distribution.py): tests that read one
build made by a shared fixture are one unit of work, every other test a unit of its own."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from .building import shared_build
from .distribution import (
    DURATIONS,
    SharedFixtureScheduling,
    durations,
    longest_first,
    noted_durations,
    pytest_xdist_auto_num_workers,
    shared_group,
)

HERE = "tests/test_distribution.py"


@pytest.fixture(scope="module")
def one_build() -> str:
    return "built once for the module"


@shared_build
def session_build() -> str:
    return "built once per process, read by tests of several files"


@pytest.fixture
def per_test(one_build: str) -> str:
    return one_build  # a function-scoped fixture that needs the shared one


def _item(request: pytest.FixtureRequest, name: str) -> pytest.Item:
    """The test ``name`` of this module, collected anew (``-k`` may have left it out)."""
    return next(item for item in request.node.parent.collect() if item.name == name)


def test_reads_the_shared_build(one_build: str) -> None:
    assert one_build


def test_reads_it_through_another_fixture(per_test: str) -> None:
    assert per_test


def test_reads_a_shared_build_too(one_build: str, session_build: str) -> None:
    assert one_build and session_build


def test_needs_no_build(tmp_path: Path) -> None:
    assert tmp_path.is_dir()


@pytest.mark.xdist_group("own")
def test_marked_by_hand() -> None:
    pass


def test_each_test_gets_the_group_its_fixtures_ask_for(request: pytest.FixtureRequest) -> None:
    group = {name: shared_group(_item(request, name)) for name in (
        "test_reads_the_shared_build", "test_reads_it_through_another_fixture",
        "test_reads_a_shared_build_too", "test_needs_no_build", "test_marked_by_hand")}
    assert group == {"test_reads_the_shared_build": HERE,
                     "test_reads_it_through_another_fixture": HERE,
                     # a session's shared build goes before its file: its readers elsewhere
                     "test_reads_a_shared_build_too": "build:session_build",
                     "test_needs_no_build": None,  # tmp_path_factory is pytest's, per session
                     "test_marked_by_hand": "own"}
    # Sphinx's module-scoped autouse fixture is a plugin's: it groups nothing.
    assert "_shared_result_cache" in _item(request, "test_needs_no_build").fixturenames


def test_the_scheduler_makes_one_unit_of_a_group(request: pytest.FixtureRequest,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setattr(request.config.option, "tx", ["popen", "popen"])  # two workers
    (tmp_path / "gw0.json").write_text(json.dumps({"a.py::one": "a.py", "a.py::two": "a.py"}))
    scheduler = SharedFixtureScheduling(request.config, None, tmp_path)
    scopes = [scheduler._split_scope(nodeid) for nodeid in ("a.py::one", "a.py::two",
                                                            "a.py::three", "b.py::one")]
    assert scopes[0] == scopes[1] != scopes[2] != scopes[3]
    assert scopes[2:] == ["a.py::three", "b.py::one"]


@pytest.mark.parametrize(("args", "workers"), [
    ([HERE], 0), ([f"{HERE}::test_needs_no_build"], 0), (["tests"], None),
    ([HERE, "tests/core"], None)])
def test_naming_only_files_starts_no_workers(request: pytest.FixtureRequest,
                                             monkeypatch: pytest.MonkeyPatch,
                                             args: list[str], workers: int | None) -> None:
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr(request.config, "args", args)
    monkeypatch.setattr(request.config, "invocation_params",
                        dataclasses.replace(request.config.invocation_params,
                                            dir=request.config.rootpath))
    assert pytest_xdist_auto_num_workers(request.config) == workers


@dataclasses.dataclass
class _Named:
    nodeid: str


def test_units_go_longest_first_and_stay_together() -> None:
    items = [_Named(nodeid) for nodeid in ("a::1", "a::2", "b::1", "c::1", "d::1", "a::3")]
    groups = {"a::1": "a", "a::2": "a", "a::3": "a"}
    seconds = {"a::1": 5, "a::3": 4, "b::1": 1, "c::1": 20}
    order = [item.nodeid for item in longest_first(items, groups, seconds)]
    # c (20 s), the group a (9 s, its tests in their order), b (1 s), d (unknown: quick)
    assert order == ["c::1", "a::1", "a::2", "a::3", "b::1", "d::1"]
    assert longest_first(items, groups, {}) == [items[i] for i in (0, 1, 5, 2, 3, 4)]


def test_durations_are_read_from_a_junit_report(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("")
    (tmp_path / "report.xml").write_text(
        '<testsuites><testsuite>'
        '<testcase classname="tests.test_x" name="test_slow[a-1]" time="12.34"/>'
        '<testcase classname="tests.test_x.TestThings" name="test_slow" time="3"/>'
        '<testcase classname="tests.test_x" name="test_quick" time="0.5"/>'
        '</testsuite></testsuites>')
    assert noted_durations(tmp_path / "report.xml", tmp_path) == {
        "tests/test_x.py::TestThings::test_slow": 3.0, "tests/test_x.py::test_slow[a-1]": 12.3}


def test_the_noted_durations_name_tests_of_this_suite(request: pytest.FixtureRequest) -> None:
    """A renamed test is only ordered as a quick one; but a file of only stale names
    would order nothing, so most of the names must still be tests."""
    noted = durations()
    assert noted, f"{DURATIONS} is missing or empty"
    here = {item.nodeid for item in request.session.items}
    if len(here) > 1000:  # the whole suite was collected (not one file)
        assert len(set(noted) & here) >= 0.8 * len(noted)

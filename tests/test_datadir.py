"""Publishing and pruning builds: only complete builds count, killed builds are cleaned up, leased folders stay.

The fake builds here are folders with a manifest (what ``prune`` looks at), so each test runs in milliseconds;
``test_build_lifecycle.py`` does the same with real builds and a real ``kill -9``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from search_api.builds.datadir import (
    BUILDS,
    KEEP_BUILDS,
    complete_builds,
    current_build_id,
    discard,
    new_build_path,
    prune,
    publish,
)
from search_api.builds.lock import BuildLease


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def fake_build(data_dir: Path, *, publish_it: bool = True) -> Path:
    """A complete build folder (manifest written), published unless told otherwise."""
    path = new_build_path(data_dir)
    (path / "graph.nt").write_text("<a:b> <a:c> <a:d> .\n", encoding="utf-8")
    (path / "manifest.json").write_text(json.dumps({"built_at": time.time()}), encoding="utf-8")
    if publish_it:
        publish(data_dir, path)
    else:
        discard_lease_only(path)
    time.sleep(0.01)  # distinct manifest times
    return path


def discard_lease_only(path: Path) -> None:
    """Release the builder's lease without deleting (a build that finished but was never published)."""
    from search_api.builds import datadir

    datadir._BUILDING.pop(path).release()


def killed_build(data_dir: Path, *, lock_file: bool) -> Path:
    """What ``kill -9`` during a build leaves: a folder without manifest named after a dead pid."""
    builds = data_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    path = builds / f"20240101T000000-{dead_pid()}-{len(list(builds.iterdir())):06d}"
    path.mkdir()
    (path / "graph.nt").write_text("half written", encoding="utf-8")
    if lock_file:
        (path / ".lock").touch()  # its flock died with the process
    return path


def test_killed_builds_are_removed_and_the_previous_good_build_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    good = fake_build(data)
    partials = [killed_build(data, lock_file=True), killed_build(data, lock_file=False)]
    newest = fake_build(data)
    assert current_build_id(data) == f"{BUILDS}/{newest.name}"
    assert good.is_dir(), "the previous good build is there for rollback"
    assert not any(p.exists() for p in partials)
    assert [p.name for p in complete_builds(data)] == [newest.name, good.name]


def test_prune_keeps_the_newest_complete_builds_by_manifest_time_not_name(tmp_path: Path) -> None:
    data = tmp_path / "data"
    builds = [fake_build(data, publish_it=False) for _ in range(KEEP_BUILDS + 1)]
    # Make the first-named build the most recent by manifest time: it must be kept, later-named ones go.
    os.utime(builds[0] / "manifest.json", ns=(time.time_ns() + 10**9,) * 2)
    newest = fake_build(data)  # publishing prunes
    remaining = sorted(p.name for p in (data / BUILDS).iterdir())
    assert remaining == sorted([builds[0].name, builds[-1].name, newest.name])
    assert not builds[1].exists() and not builds[2].exists()
    assert prune(data).removed == ()


def test_the_current_build_is_never_pruned_even_when_old(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = fake_build(data)
    later = [fake_build(data, publish_it=False) for _ in range(KEEP_BUILDS + 1)]
    report = prune(data)
    assert first.is_dir() and current_build_id(data) == f"{BUILDS}/{first.name}"
    assert first.name not in report.removed and len(report.removed) == 1 and later[0].name in report.removed


def test_a_leased_build_survives_pruning_until_released(tmp_path: Path) -> None:
    data = tmp_path / "data"
    held = fake_build(data)
    lease = BuildLease(held)
    for _ in range(KEEP_BUILDS + 1):
        fake_build(data)
    assert (held / "graph.nt").read_text(encoding="utf-8").startswith("<a:b>")
    assert held.name in prune(data).held
    lease.release()
    assert held.name in prune(data).removed and not held.exists()


def test_a_build_in_progress_is_not_pruned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    building = new_build_path(data)  # leased by this process until publish or discard
    for _ in range(KEEP_BUILDS + 1):
        fake_build(data)
    assert building.is_dir()
    discard(building)
    assert not building.exists()


def test_a_partial_folder_of_a_live_builder_without_lock_file_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fake_build(data)
    alive = data / BUILDS / f"20240101T000000-{os.getpid()}-000999"
    alive.mkdir()
    assert alive.name in prune(data).held and alive.is_dir()

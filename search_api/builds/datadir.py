"""The data directory a build writes and every other command opens.

Layout: ``<data>/current`` is a symbolic link to ``<data>/builds/<id>/``, which holds ``model.json``,
``manifest.json`` and whatever later stages write (the graph store, the full-text index). A build writes a
fresh ``builds/<id>`` and then swaps the link with one atomic ``rename``, so a reader (the server) sees either
the old build or the new one, never a half-written one, and a failed build loses nothing already built.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import PolicyKGError
from search_api.builds.lock import BuildLease, LeaseLost, has_lock_file, try_exclusive

log = logging.getLogger("policykg.datadir")

CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
MODEL_FILE = "model.json"  # the build's model (what `export --format json` prints); written by builds.make
REGISTER_FILE = "register.json"  # its units and document kinds only: what `ask` reads (builds.make.register_data)
TRASH_PREFIX = ".trash-"
KEEP_BUILDS = 3  # complete builds kept: the current one and two to roll back to
# Folders this process is building into, with the lease that keeps other processes' pruning off them.
_BUILDING: dict[Path, BuildLease] = {}


class DataDirError(PolicyKGError):
    """The data directory is missing or incomplete (the service answers 503 until a build is published)."""

    code = "no_build"
    status = 503
    default_hint = "run `policykg build` first"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildDir:
    """One finished build: its folder and manifest."""

    path: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path:
        """Path of one artefact inside the build."""
        return self.path / name


def new_build_path(data_dir: Path) -> Path:
    """A fresh, unique folder to build into (not yet visible as ``current``), leased by this process.

    The lease (a shared flock, see :mod:`search_api.builds.lock`) marks the folder as being built: a pruner in
    another process leaves it alone until :func:`publish` or :func:`discard` releases it, or this process dies.
    The pid in the name is the fallback for the instant between ``mkdir`` and the lease.
    """
    builds = data_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = builds / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path.mkdir()
    _BUILDING[path] = BuildLease(path)
    return path


def publish(data_dir: Path, build_path: Path, *, keep: int = KEEP_BUILDS) -> PruneReport:
    """Make ``build_path`` the current build atomically, then prune old builds (see :func:`prune`)."""
    link = data_dir / CURRENT
    temporary = data_dir / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path(BUILDS) / build_path.name)
    os.replace(temporary, link)
    lease = _BUILDING.pop(build_path, None)
    if lease is not None:
        lease.release()
    return prune(data_dir, keep=keep)


def discard(build_path: Path) -> None:
    """Remove an unfinished build."""
    lease = _BUILDING.pop(build_path, None)
    if lease is not None:
        lease.release()
    shutil.rmtree(build_path, ignore_errors=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PruneReport:
    """What one prune did, by folder name: removed, and kept because a process still uses them."""

    removed: tuple[str, ...]
    held: tuple[str, ...]


def complete_builds(data_dir: Path) -> list[Path]:
    """Build folders with a manifest, most recent first (by the manifest's modification time)."""
    found: list[tuple[int, str, Path]] = []
    for path in _build_folders(data_dir):
        try:
            found.append(((path / MANIFEST).stat().st_mtime_ns, path.name, path))
        except OSError:
            continue
    return [path for *_, path in sorted(found, reverse=True)]


def prune(data_dir: Path, *, keep: int = KEEP_BUILDS) -> PruneReport:
    """Delete what no one needs: complete builds beyond the ``keep`` most recent, and partial builds.

    Never deleted: the current build, the ``keep`` most recent complete builds (rollback), and any folder a
    process holds a lease on (a server still answering from it, a build in progress). A folder without a
    manifest whose builder is gone (its lease released by the kernel when it died) is a killed build: removed.
    Safe to run from several processes at once: each deletion happens under the folder's exclusive lock.
    """
    keep = max(1, keep)
    current = current_build_id(data_dir)
    current_name = Path(current).name if current else None
    complete = complete_builds(data_dir)
    keep_names = {p.name for p in complete[:keep]} | ({current_name} if current_name else set())
    removed: list[str] = []
    held: list[str] = []
    for path in _build_folders(data_dir):
        if path.name in keep_names:
            continue
        finished = (path / MANIFEST).is_file()
        if not finished and not has_lock_file(path) and _pid_alive(path.name):
            held.append(path.name)  # a builder between mkdir and its lease
            continue
        fd = try_exclusive(path)
        if fd is None:
            held.append(path.name)
            continue
        try:
            trash = path.with_name(f"{TRASH_PREFIX}{path.name}-{os.getpid()}")
            try:
                os.rename(path, trash)
            except OSError:
                continue
        finally:
            os.close(fd)
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(path.name)
    for trash in (data_dir / BUILDS).glob(f"{TRASH_PREFIX}*"):  # left by a pruner killed mid-delete
        if not _pid_alive(trash.name.rsplit("-", 1)[-1]):
            shutil.rmtree(trash, ignore_errors=True)
    if removed:
        log.info("pruned builds %s (kept %s; in use %s)", removed, sorted(keep_names), held)
    return PruneReport(removed=tuple(removed), held=tuple(held))


def _build_folders(data_dir: Path) -> list[Path]:
    builds = data_dir / BUILDS
    if not builds.is_dir():
        return []
    return sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.startswith("."))


def _pid_alive(name: str) -> bool:
    """Is the process whose pid a folder name carries (``<stamp>-<pid>-<n>`` or ``…-<pid>``) still running?"""
    parts = name.split("-")
    digits = parts[1] if len(parts) == 3 else parts[-1]
    if not digits.isascii() or not digits.isdigit():
        return False
    try:
        os.kill(int(digits), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_build_id(data_dir: Path) -> str | None:
    """The name of the current build (cheap: one readlink), or None."""
    try:
        return os.readlink(data_dir / CURRENT)
    except OSError:
        return None


def open_build_id(data_dir: Path, build_id: str) -> BuildDir:
    """The build folder ``build_id`` (as read from the ``current`` link), opened directly.

    Reading the resolved folder rather than through the link keeps one reader on one build even when a
    rebuild moves the link meanwhile.
    """
    path = (data_dir / build_id).resolve()
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataDirError(f"no build in {data_dir}") from None
    return BuildDir(path=path, manifest=manifest)


def lease_build(data_dir: Path, build_id: str) -> tuple[BuildDir, BuildLease]:
    """Open the build ``build_id`` and lease it: its folder stays on disk until the lease is released.

    For readers that keep a build open for a while (the server's snapshots). :class:`DataDirError` when the
    folder is gone or being pruned (the caller reads ``current`` again).
    """
    path = (data_dir / build_id).resolve()
    if not (path / MANIFEST).is_file():
        raise DataDirError(f"no build in {data_dir}")
    try:
        lease = BuildLease(path)
    except LeaseLost:
        raise DataDirError(f"build {build_id} in {data_dir} was just removed") from None
    try:
        return open_build_id(data_dir, build_id), lease
    except BaseException:
        lease.release()
        raise


def open_build(data_dir: Path) -> BuildDir:
    """The current build, or :class:`DataDirError` naming the folder."""
    build_id = current_build_id(data_dir)
    if build_id is None:
        raise DataDirError(f"no build in {data_dir}")
    return open_build_id(data_dir, build_id)

"""The data directory a build writes and every other command opens.

Layout: ``<data>/current`` is a symbolic link to ``<data>/builds/<id>/``, which holds ``model.json``,
``manifest.json`` and whatever later stages write (the graph store, the full-text index). A build writes a
fresh ``builds/<id>`` and then swaps the link with one atomic ``rename``, so a reader (the server) sees either
the old build or the new one, never a half-written one, and a failed build loses nothing already built.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CURRENT = "current"
BUILDS = "builds"
KEEP_BUILDS = 3  # the current build and two before it (a server may still be finishing requests on them)


class DataDirError(Exception):
    """The data directory is missing or incomplete."""

    code = "no_build"

    def __init__(self, message: str, *, hint: str = "run `policykg build` first") -> None:
        self.hint = hint
        super().__init__(f"{message} ({hint})")


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildDir:
    """One finished build: its folder and manifest."""

    path: Path
    manifest: dict[str, Any]

    def file(self, name: str) -> Path:
        """Path of one artefact inside the build."""
        return self.path / name


def new_build_path(data_dir: Path) -> Path:
    """A fresh, unique folder to build into (not yet visible as ``current``)."""
    builds = data_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = builds / f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    path.mkdir()
    return path


def publish(data_dir: Path, build_path: Path) -> None:
    """Make ``build_path`` the current build atomically, then prune old builds."""
    link = data_dir / CURRENT
    temporary = data_dir / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path(BUILDS) / build_path.name)
    os.replace(temporary, link)
    builds = sorted((p for p in (data_dir / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in builds[:-KEEP_BUILDS]:
        if old.resolve() != build_path.resolve():
            shutil.rmtree(old, ignore_errors=True)


def discard(build_path: Path) -> None:
    """Remove an unfinished build."""
    shutil.rmtree(build_path, ignore_errors=True)


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
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise DataDirError(f"no build in {data_dir}")
    return BuildDir(path=path, manifest=json.loads(manifest_path.read_text(encoding="utf-8")))


def open_build(data_dir: Path) -> BuildDir:
    """The current build, or :class:`DataDirError` naming the folder."""
    build_id = current_build_id(data_dir)
    if build_id is None:
        raise DataDirError(f"no build in {data_dir}")
    return open_build_id(data_dir, build_id)

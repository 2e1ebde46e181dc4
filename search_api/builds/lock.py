"""Cross-process leases on a build folder: who still uses ``builds/<id>/``, so pruning never deletes it under them.

Why an ``fcntl.flock`` on ``builds/<id>/.lock`` rather than pid marker files: the kernel drops a flock when its
holder dies (``kill -9`` included), so a lease can never go stale, pid reuse cannot fake a live reader, and there
is nothing to clean up. Every user of a folder holds a *shared* lock for as long as it uses it: the builder from
``mkdir`` to publish, the server for as long as a snapshot of that build is open (until its last request ends), a
CLI command while it reads. The pruner deletes a folder only while holding the *exclusive* lock, taken without
waiting (so it only succeeds when nobody holds a shared one), and first renames the folder out of ``builds/``
under that lock. A reader that opened the lock file just before the rename notices after it gets its shared lock
that the file is no longer at its path (inode check) and gives up, so nobody ever holds a lease on a folder that
is being deleted. Locks are per open file description: two leases in one process are as separate as two
processes, which is what lets one server hold the old snapshot while a build in the same process prunes.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = ".lock"


class LeaseLost(Exception):
    """The build folder is gone or being deleted: it cannot be leased."""


class BuildLease:
    """A shared lock on one build folder, held until :meth:`release` (or until the process ends)."""

    def __init__(self, build_path: Path) -> None:
        self.path = build_path
        lock = build_path / LOCK_FILE
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise LeaseLost(f"{build_path}: {error.strerror}") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a pruner holds the exclusive lock (a rename)
            if not _same_file(fd, lock):
                raise LeaseLost(f"{build_path}: being removed")
        except BaseException:
            os.close(fd)
            raise
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        """True until released."""
        return self._fd is not None

    def release(self) -> None:
        """Drop the lock (idempotent): the folder may be pruned from now on."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> BuildLease:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def __del__(self) -> None:  # a lease dropped without release must not pin the folder forever
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


def try_exclusive(build_path: Path, *, create: bool = True) -> int | None:
    """The exclusive lock on a folder as an open fd, or None when someone holds a lease (or no lock file).

    The caller deletes (or renames away) the folder while holding it, then closes the fd.
    """
    lock = build_path / LOCK_FILE
    flags = os.O_RDONLY | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    if not _same_file(fd, lock):
        os.close(fd)
        return None
    return fd


def has_lock_file(build_path: Path) -> bool:
    """True when some process has ever leased the folder (builds made before leases have none)."""
    return (build_path / LOCK_FILE).exists()

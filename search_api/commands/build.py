"""Read every document under the paths (default corpus/) and write a new build into the data directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "build the graph and index from documents"
DEFAULT_CORPUS = "corpus"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg build``."""
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def run(args: argparse.Namespace) -> int:
    """Build, print progress to stderr and a summary; non-zero exit when any document failed."""
    import json

    from search_api.build import run_build
    from search_api.settings import data_dir_from

    paths = args.paths or [Path(DEFAULT_CORPUS)]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"policykg build: {path}: no such file or folder", file=sys.stderr)
    paths = [p for p in paths if p.exists()]
    data_dir = data_dir_from(args.data)

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    result = run_build(paths, data_dir=data_dir, progress=progress) if paths else None
    counts = result.counts if result else {}
    failures = [
        {"path": f.source, "code": f.code, "reason": f.reason} for f in (result.failures if result else ())
    ]
    failures += [{"path": str(p), "code": "not_found", "reason": "no such file or folder"} for p in missing]
    if args.json:
        summary = {
            "data": str(data_dir),
            "build": str(result.path) if result and result.path else None,
            "counts": counts,
            "unresolved_units": list(result.unresolved if result else ()),
            "failures": failures,
            "warnings": list(result.warnings if result else ()),
            "warning_counts": {kind.code: kind.count for kind in (result.warning_kinds if result else ())},
            "duplicates": [
                {"path": d.path, "same_as": d.same_as} for d in (result.duplicates if result else ())
            ],
        }
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for failure in failures:
            print(
                f"FAILED {failure['reason'] if failure['code'] != 'not_found' else failure['path'] + ': ' + failure['reason']}"
            )
        for kind in result.warning_kinds if result else ():
            shown = ", ".join(kind.sources[:3]) + (
                f" and {len(kind.sources) - 3} more" if len(kind.sources) > 3 else ""
            )
            print(f"warning: {kind.count} × {kind.code}: {kind.message} ({shown})")
        for duplicate in result.duplicates if result else ():
            print(f"duplicate: {duplicate.path} has the same text as {duplicate.same_as} (read once)")
        if result and result.unresolved:
            print("unresolved unit names: " + "、".join(result.unresolved))
        order = ("documents", "sections", "articles", "tasks", "units", "obligations", "warnings")
        print(
            "built: "
            + ", ".join(f"{counts.get(key, 0)} {key}" for key in order)
            + (f" → {data_dir}" if result and result.path else "")
        )
        if result is not None and result.path is None:
            print(f"nothing was built: no readable document; the previous build in {data_dir} is kept")
    return 1 if failures or result is None or result.path is None else 0

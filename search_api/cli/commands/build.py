"""Read every document under the paths (default corpus/) and write a new build into the data directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from search_api.cli.commands.publish import add_publish_options, store_url_argument

if TYPE_CHECKING:
    from kg.publish import Published, PublishError

HELP = "build the graph and index from documents"
DEFAULT_CORPUS = "corpus"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``policykg build``."""
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--data", help="data directory (default: $POLICYKG_DATA or ./.policykg)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--max-file-mb",
        type=_megabytes,
        default=None,
        metavar="N",
        help="skip (and report as too_large) files larger than N MB (default: 20)",
    )
    add_publish_options(parser)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="parse every file and validate every document again instead of reusing the parse of unchanged "
        "files (DATA/cache/parse) and the SHACL findings of unchanged documents (DATA/cache/shacl)",
    )
    embedding = parser.add_mutually_exclusive_group()
    embedding.add_argument(
        "--embed",
        dest="embed",
        action="store_const",
        const=True,
        default=None,
        help="add the semantic leg: embed articles, sentences and tasks (default: as $POLICYKG_EMBED=1 or 0 says "
        "if set, else on when few passages need embedding, the others cached: a corpus of some documents)",
    )
    embedding.add_argument(
        "--no-embed",
        dest="embed",
        action="store_const",
        const=False,
        help="no semantic leg: search matches words only (a faster build)",
    )
    parser.add_argument(
        "--publish",
        type=store_url_argument,
        metavar="URL",
        help="after the build, load its graph into this SPARQL server (e.g. http://host:7878) and make it current "
        "there, for API replicas started with --store URL (see `policykg publish`)",
    )
    parser.add_argument(
        "--supersedes",
        action="append",
        type=_pair,
        default=[],
        metavar="OLD=NEW",
        help="document NEW is a revision of OLD (id, exact title or source path; repeatable). A final and its "
        "draft with one title, the draft marked 征求意见稿/草案/试行, are linked without it",
    )


def _pair(value: str) -> tuple[str, str]:
    """``OLD=NEW`` (argparse reports anything else as a usage error, exit 2)."""
    from ingest.revisions import RevisionError, parse_supersedes

    try:
        return parse_supersedes(value)
    except RevisionError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not OLD=NEW ({error.hint})") from None


def _megabytes(value: str) -> float:
    """A positive number of megabytes (argparse reports anything else as a usage error, exit 2)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of MB: {value!r}")
    return number


def run(args: argparse.Namespace) -> int:
    """Build, print progress to stderr and a summary; non-zero exit when any document failed."""
    import json

    from search_api.builds.datadir import current_build_id
    from search_api.builds.make import MAX_FILE_MB, run_build
    from search_api.settings import data_dir_from

    paths = args.paths or [Path(DEFAULT_CORPUS)]
    missing = [p for p in paths if not p.exists()]
    if missing:  # a usage error: one line, exit 2, nothing built
        names = ", ".join(str(p) for p in missing)
        print(f"policykg build: {names}: no such file or folder", file=sys.stderr)
        return 2
    data_dir = data_dir_from(args.data)

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    limit = MAX_FILE_MB if args.max_file_mb is None else args.max_file_mb
    result = run_build(
        paths,
        data_dir=data_dir,
        progress=progress,
        max_file_mb=limit,
        supersedes=args.supersedes,
        cache=not args.no_cache,
        embed=args.embed,
    )
    counts = result.counts
    failures = [{"path": f.source, "code": f.code, "reason": f.reason} for f in result.failures]
    published, publish_error = _publish(args, result.path)
    if args.json:
        summary = {
            "data": str(data_dir),
            "build": str(result.path) if result.path else None,
            "counts": counts,
            "unresolved_units": list(result.unresolved),
            "failures": failures,
            "warnings": list(result.warnings),
            "warning_counts": {kind.code: kind.count for kind in result.warning_kinds},
            "duplicates": [{"path": d.path, "same_as": d.same_as} for d in result.duplicates],
            "revisions": [{"old": r.old, "new": r.new, "basis": r.basis} for r in result.revisions],
        }
        if args.publish:
            summary["publish"] = (
                published.to_json() if published else {"url": args.publish, "error": publish_error.describe()}
            )
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for failure in failures:
            print(f"FAILED {failure['reason']}")
        for kind in result.warning_kinds:
            shown = ", ".join(kind.sources[:3]) + (
                f" and {len(kind.sources) - 3} more" if len(kind.sources) > 3 else ""
            )
            print(f"warning: {kind.count} × {kind.code}: {kind.message} ({shown})")
        for duplicate in result.duplicates:
            print(f"duplicate: {duplicate.path} has the same text as {duplicate.same_as} (read once)")
        for revision in result.revisions:
            how = "by title" if revision.basis == "title" else "--supersedes"
            print(f"revision: {revision.new} revises {revision.old} ({how}; policykg diff OLD NEW)")
        if result.unresolved:
            print("unresolved unit names: " + "、".join(result.unresolved))
        leg = result.manifest.get("semantic_leg") or {}
        if leg and not leg["on"] and str(leg["why"]).startswith("auto"):
            print(f"semantic leg off ({leg['why']}): search matches words only; policykg build --embed adds it")
        order = ("documents", "sections", "articles", "tasks", "units", "obligations", "warnings")
        print(
            "built: "
            + ", ".join(f"{counts.get(key, 0)} {key}" for key in order)
            + (f" → {data_dir}" if result.path else "")
        )
        if result.path is None:
            print("nothing was built: no readable document; " + _what_is_kept(current_build_id(data_dir), data_dir))
        if published:
            from search_api.cli.commands.publish import describe

            print(describe(published))
    if publish_error is not None:
        print(f"policykg build: {publish_error.describe()}", file=sys.stderr)
        return publish_error.exit_code
    return 1 if failures or result.path is None else 0


def _publish(args: argparse.Namespace, build_path: Path | None) -> tuple[Published | None, PublishError | None]:
    """Publish the new build to ``--publish URL``: (what was published, None) or (None, the error)."""
    if not args.publish or build_path is None:
        return None, None
    from kg.publish import PublishError
    from search_api.cli.commands.publish import publish

    if not args.quiet:
        print(f"publishing the graph to {args.publish} …", file=sys.stderr, flush=True)
    try:
        return publish(args.publish, build_path, keep=args.keep), None
    except PublishError as error:
        return None, error


def _what_is_kept(current: str | None, data_dir: Path) -> str:
    """Say the previous build is kept only when there is one."""
    if current is None:
        return f"there is no build in {data_dir} yet"
    return f"the previous build in {data_dir} is kept"

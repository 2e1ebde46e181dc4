"""Settings from the environment (``POLICYKG_*``), read when asked for, never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = ".policykg"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Where the data directory is and how the service behaves."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    sparql_timeout_s: float = 5.0
    sparql_row_limit: int = 10_000
    sparql_workers: int = 2  # worker processes for SPARQL (each killed and replaced when a query times out)
    allow_service: bool = False  # SPARQL SERVICE makes the server call other URLs: off unless asked for
    allowed_hosts: tuple[str, ...] = ()  # Host header values accepted beside 127.0.0.1, localhost and ``host``
    store_url: str | None = None  # a shared SPARQL server holding the graph (``--store``); None: the build folder's


def data_dir_from(argument: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the explicit argument, else ``$POLICYKG_DATA``, else ``./.policykg``."""
    chosen = argument or os.environ.get("POLICYKG_DATA") or DEFAULT_DATA_DIR
    return Path(chosen).expanduser()


def get_settings(data_dir: str | os.PathLike[str] | None = None) -> Settings:
    """Settings for this process (environment variables override defaults, arguments override both)."""
    return Settings(
        data_dir=data_dir_from(data_dir),
        host=os.environ.get("POLICYKG_HOST", "127.0.0.1"),
        port=int(os.environ.get("POLICYKG_PORT", "8000")),
        sparql_timeout_s=float(os.environ.get("POLICYKG_SPARQL_TIMEOUT", "5")),
        sparql_row_limit=int(os.environ.get("POLICYKG_SPARQL_ROWS", "10000")),
        sparql_workers=int(os.environ.get("POLICYKG_SPARQL_WORKERS", "2")),
        allow_service=os.environ.get("POLICYKG_ALLOW_SERVICE", "") in ("1", "true", "yes"),
        allowed_hosts=tuple(h for h in os.environ.get("POLICYKG_ALLOWED_HOSTS", "").split(",") if h),
        store_url=store_url_from(),
    )


def store_url_from(argument: str | None = None) -> str | None:
    """The shared SPARQL server to read the graph from: the argument, else ``$POLICYKG_STORE``, else None."""
    chosen = (argument or os.environ.get("POLICYKG_STORE", "")).strip()
    if not chosen:
        return None
    from ingest.errors import PolicyKGError
    from kg.remote_store import store_url

    try:
        return store_url(chosen)
    except ValueError as error:
        where = "--store" if argument else "$POLICYKG_STORE"
        raise PolicyKGError(f"{where}: {error}", code="bad_store_url") from None


def settings_environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``POLICYKG_*`` variables :func:`get_settings` reads back.

    Why: ``policykg serve --workers N`` starts N server processes that each build their app from an import
    string (uvicorn's factory), so the command line's settings reach them through the environment.
    """
    return {
        "POLICYKG_DATA": str(settings.data_dir),
        "POLICYKG_HOST": settings.host,
        "POLICYKG_PORT": str(settings.port),
        "POLICYKG_SPARQL_TIMEOUT": repr(settings.sparql_timeout_s),
        "POLICYKG_SPARQL_ROWS": str(settings.sparql_row_limit),
        "POLICYKG_SPARQL_WORKERS": str(settings.sparql_workers),
        "POLICYKG_ALLOW_SERVICE": "1" if settings.allow_service else "",
        "POLICYKG_ALLOWED_HOSTS": ",".join(settings.allowed_hosts),
        "POLICYKG_STORE": settings.store_url or "",
    }

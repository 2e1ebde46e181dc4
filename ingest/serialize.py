"""The model ⇄ JSON: the documented export format and the build's ``model.json``.

Why generic over dataclass fields: the JSON field names are the model's field names (a contract other tools
rely on), so one recursive walk keeps them in step; the only reshaping is ``Unit.aliases``, exported as the
list of surface forms (``aliases``) with the reasons beside it (``alias_reasons``).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any

from ingest.model import AliasRecord, Corpus, Unit

SCHEMA_VERSION = 1


def to_data(value: Any) -> Any:
    """Plain JSON-ready data from a model value (dataclasses become dicts, tuples lists)."""
    if isinstance(value, Unit):
        data = {field.name: to_data(getattr(value, field.name)) for field in dataclasses.fields(value)}
        data["alias_reasons"] = data.pop("aliases")
        data["aliases"] = [alias.text for alias in value.aliases]
        return data
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_data(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    return value


def corpus_to_data(corpus: Corpus) -> dict[str, Any]:
    """The export document: ``documents[]``, ``units[]``, ``unresolved`` and ``warnings``."""
    return {"schema_version": SCHEMA_VERSION, **to_data(corpus)}


def write_corpus_json(corpus: Corpus, out: typing.TextIO) -> None:
    """Write ``json.dumps(corpus_to_data(corpus), ensure_ascii=False, sort_keys=True)`` to ``out``, the same
    characters, one document (unit, warning …) at a time.

    Why: at 10,000 documents the whole export as dicts, then as one string, then as UTF-8 bytes held about
    1.2 GB beside the corpus for a 380 MB file, the build's peak memory; streamed, one document's data is held.
    """
    top: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    top.update((field.name, getattr(corpus, field.name)) for field in dataclasses.fields(corpus))
    out.write("{")
    for position, key in enumerate(sorted(top)):
        out.write(("" if position == 0 else ", ") + json.dumps(key) + ": ")
        value = top[key]
        if not isinstance(value, tuple):
            out.write(json.dumps(to_data(value), ensure_ascii=False, sort_keys=True))
            continue
        out.write("[")
        for index, item in enumerate(value):
            out.write(("" if index == 0 else ", ") + json.dumps(to_data(item), ensure_ascii=False, sort_keys=True))
        out.write("]")
    out.write("}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _from(options[0], data) if len(options) == 1 else data
    if origin is tuple:
        (item_hint, *_rest) = typing.get_args(hint)
        return tuple(_from(item_hint, item) for item in data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_data(hint, data)
    return data


def from_data(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a model dataclass from :func:`to_data` output (unknown keys ignored for forward compatibility)."""
    hints = _hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            continue
        raw = data["alias_reasons"] if cls is Unit and field.name == "aliases" else data[field.name]
        values[field.name] = _from(hints[field.name], raw)
    if cls is Unit:
        values["aliases"] = tuple(
            a if isinstance(a, AliasRecord) else AliasRecord(text=a, reason="")
            for a in values.get("aliases", ())
        )
    return cls(**values)


def corpus_from_data(data: dict[str, Any]) -> Corpus:
    """The inverse of :func:`corpus_to_data`."""
    return from_data(Corpus, data)

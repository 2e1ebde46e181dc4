"""Deterministic ASCII IRIs for every node of the graph: the same input always gives the same IRI.

Why paths and not uuids: a reviewer reads ``doc/wyq-1a2b3c/task/37`` and knows what it is, the same build gives
byte-identical Turtle, and IRIs survive rebuilds so links from outside keep working. Chinese appears only in
labels; a non-ASCII key becomes pinyin initials plus a short hash (:func:`slug`).

>>> document_iri("wyq-1a2b3c")
rdflib.term.URIRef('https://w3id.org/policykg/id/doc/wyq-1a2b3c')
>>> str(task_iri("wyq-1a2b3c", 37))
'https://w3id.org/policykg/id/doc/wyq-1a2b3c/task/37'
>>> str(topic_iri("elevator"))
'https://w3id.org/policykg/topic/elevator'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ingest.model import initials, short_hash

if TYPE_CHECKING:  # rdflib is imported on first use: `policykg ask` never needs it
    from rdflib import URIRef

ID_BASE = "https://w3id.org/policykg/id/"  # the same as ontology.namespace.ID_BASE (tested)
TOPIC_BASE = "https://w3id.org/policykg/topic/"

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def slug(text: str) -> str:
    """An IRI-safe ASCII key: ``text`` itself when already safe, else pinyin initials plus a hash.

    >>> slug("unit-42")
    'unit-42'
    >>> slug("负责特种设备安全监督管理的部门")
    'fztzsbaqjdgldbm-207b91'
    """
    if _SAFE.match(text):
        return text
    return f"{initials(text)}-{short_hash(text)}"


def _ref(iri: str) -> URIRef:
    from rdflib import URIRef

    return URIRef(iri)


def _iri(path: str, *, as_text: bool = False) -> URIRef:
    # as_text: the IRI as a plain string, for callers that must not pay for importing rdflib (a cold `ask`)
    return ID_BASE + path if as_text else _ref(ID_BASE + path)  # type: ignore[return-value]


def document_iri(doc_id: str) -> URIRef:
    """The document node."""
    return _iri(f"doc/{slug(doc_id)}")


def section_iri(doc_id: str, number: int, *, part: int = 0) -> URIRef:
    """A section (一、… or 第一章) of a document, or of its attachment ``part`` (附件N restarts at 一、).

    >>> str(section_iri("d", 1, part=2)).split("/doc/", 1)[1]
    'd/part/2/sec/1'
    """
    if part:
        return _iri(f"doc/{slug(doc_id)}/part/{part}/sec/{number}")
    return _iri(f"doc/{slug(doc_id)}/sec/{number}")


def part_iri(doc_id: str, number: int) -> URIRef:
    """An attachment (附件N) of a document."""
    return _iri(f"doc/{slug(doc_id)}/part/{number}")


def article_iri(doc_id: str, number: int, *, occurrence: int = 0, as_text: bool = False) -> URIRef:
    """An article; ``occurrence`` > 0 only when a document repeats an article number.

    >>> str(article_iri("d", 12, occurrence=1)).rsplit("/", 1)[-1]
    '12-1'
    """
    suffix = f"-{occurrence}" if occurrence else ""
    return _iri(f"doc/{slug(doc_id)}/art/{number}{suffix}", as_text=as_text)


def sentence_iri(article: URIRef, index: int) -> URIRef:
    """The ``index``-th sentence (from 1) of an article."""
    return _ref(f"{article}/s/{index}")


def obligation_iri(article: URIRef, index: int) -> URIRef:
    """The ``index``-th obligation (from 1) of an article."""
    return _ref(f"{article}/obl/{index}")


def task_iri(doc_id: str, number: int, *, as_text: bool = False) -> URIRef:
    """A row of the document's task table."""
    return _iri(f"doc/{slug(doc_id)}/task/{number}", as_text=as_text)


def task_key(iri: str) -> tuple[str, int] | None:
    """(document id, number) of a task IRI made by :func:`task_iri`; None for any other IRI.

    >>> task_key("https://w3id.org/policykg/id/doc/wyq-1a2b3c/task/37"), task_key(ID_BASE + "doc/x/art/3")
    (('wyq-1a2b3c', 37), None)
    """
    parts = local_part(iri).split("/")
    if len(parts) == 4 and parts[0] == "doc" and parts[2] == "task" and parts[3].isdigit():
        return parts[1], int(parts[3])
    return None


def article_link_iri(task: URIRef, article_number: int) -> URIRef:
    """The qualified link from a task to one article it implements."""
    return _ref(f"{task}/link/{article_number}")


def deadline_iri(owner: URIRef) -> URIRef:
    """The deadline of a task or obligation."""
    return _ref(f"{owner}/deadline")


def frequency_iri(owner: URIRef) -> URIRef:
    """The frequency of an obligation."""
    return _ref(f"{owner}/frequency")


def span_iri(doc_id: str, start: int, end: int) -> URIRef:
    """A text span ``[start, end)`` of a document (shared by every fact quoting the same characters)."""
    return _iri(f"doc/{slug(doc_id)}/span/{start}-{end}")


def citation_iri(doc_id: str, index: int) -> URIRef:
    """The ``index``-th citation (from 1) printed in a document."""
    return _iri(f"doc/{slug(doc_id)}/cite/{index}")


def unit_iri(unit_id: str, *, as_text: bool = False) -> URIRef:
    """A unit of the corpus's unit register."""
    return _iri(f"unit/{slug(unit_id)}", as_text=as_text)


def role_iri(text: str) -> URIRef:
    """A statutory role or class of duty bearers, keyed by its printed text."""
    return _iri(f"role/{slug(text)}")


def body_iri(function: str) -> URIRef:
    """A body type without level prefix (应急管理局), as in ``ontology/succession.tsv``."""
    return _iri(f"body/{slug(function)}")


def named_body_iri(name: str) -> URIRef:
    """A successor body known only by name (区应急管理局), when it is not itself a unit of the corpus."""
    return _iri(f"org/{slug(name)}")


def change_iri(old: str, new: str) -> URIRef:
    """One ORG ChangeEvent of the succession table (old function → new function)."""
    return _iri(f"change/{slug(old)}--{slug(new)}")


def unit_change_iri(unit_id: str) -> URIRef:
    """The ChangeEvent by which a unit of the corpus became its current successor."""
    return _iri(f"change/unit/{slug(unit_id)}")


def topic_iri(concept_id: str) -> URIRef:
    """A thesaurus concept (``ontology/thesaurus.ttl``)."""
    return _ref(TOPIC_BASE + concept_id)


def local_part(iri: str) -> str:
    """The path of an instance IRI after the id base (for compact display).

    >>> local_part("https://w3id.org/policykg/id/doc/x/task/3")
    'doc/x/task/3'
    """
    return iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else iri

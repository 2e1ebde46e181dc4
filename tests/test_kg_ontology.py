"""The vocabulary, the closed namespace, the SHACL shapes and their example graphs, and the package rules of kg."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import OWL

from kg import iris
from kg.validate import load_shapes, validate_graph
from ontology import namespace
from ontology.namespace import PKG

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ontology" / "examples"


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(ROOT / "ontology" / "policy.ttl")


def test_namespace_lists_exactly_the_terms_of_policy_ttl(vocabulary: Graph) -> None:
    defined = {str(s)[len(str(PKG)) :] for s in vocabulary.subjects() if str(s).startswith(str(PKG))}
    declared = set(PKG.__annotations__)
    assert defined == declared


def test_a_typo_in_the_namespace_raises() -> None:
    with pytest.raises(AttributeError):
        _ = PKG.leadUnits


def test_every_class_and_property_has_chinese_and_english_labels(vocabulary: Graph) -> None:
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in vocabulary.subjects(RDF.type, kind):
            languages = {label.language for label in vocabulary.objects(term, RDFS.label)}
            assert {"zh", "en"} <= languages, term


def test_iri_bases_agree() -> None:
    assert iris.ID_BASE == namespace.ID_BASE
    assert iris.TOPIC_BASE == namespace.TOPIC_BASE


def test_valid_examples_conform() -> None:
    shapes = load_shapes()
    paths = sorted((EXAMPLES / "valid").glob("*.ttl"))
    assert paths
    for path in paths:
        report = validate_graph(Graph().parse(path), shapes=shapes)
        assert report.conforms, (path.name, report.by_message)


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").glob("*.ttl")), ids=lambda p: p.stem)
def test_invalid_examples_fail_with_the_expected_message(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    expected = first.removeprefix("# expect: ").strip()
    report = validate_graph(Graph().parse(path))
    assert not report.conforms
    assert expected in report.by_message


ALLOWED_INGEST = (
    "ingest.model", "ingest.errors", "ingest.parallel", "ingest.segment", "ingest.places", "ingest.parse_cache"
)


def test_kg_imports_only_ingest_model_ontology_and_libraries() -> None:
    for path in sorted((ROOT / "kg").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("search_api"), (path.name, name)
                if name.startswith("ingest"):
                    # model, errors, process pool, the one segmenter (statutory questions are cut as the index cuts),
                    # the gazetteer of places (which city and province a district lies in) and the keyed cache
                    # folder the parse cache and the graph step's validation cache share
                    assert name in ALLOWED_INGEST, (path.name, name)

"""The per-document, multi-process build writes exactly what the serial, whole-graph build writes.

Why: issue 14 moved the graph step from one rdflib graph of the corpus (built, SHACL-validated and serialised
at once) to one part per document on a process pool (:mod:`kg.bulk`). Outputs must not change: the same
``model.json``, byte-identical ``graph.nt``/``graph.ttl`` and the same validation report, on one worker or two,
and the same report as pyshacl over the whole graph, also when shapes fail across parts.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from bench.corpus_gen import generate
from ingest.pipeline import ingest_paths
from kg import bulk
from kg.build import build_graph
from kg.store import sorted_ntriples, sorted_turtle, write_graph
from kg.validate import load_shapes, report_of, validate_graph
from ontology.thesaurus import load_thesaurus
from search_api.builds.make import run_build
from tests.conftest import CORPUS, ROOT

# Shapes the corpus breaks on purpose: per node (units without a level, articles without a title) and across
# parts (a task's lead unit must be a pkg:UnitGroup, an object typed in the global part).
EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix t: <https://example.org/test-shapes#> .
t:Unit a sh:NodeShape ; sh:targetClass pkg:Unit ;
    sh:property [ sh:path pkg:level ; sh:minCount 1 ; sh:message "no level" ] .
t:Article a sh:NodeShape ; sh:targetClass pkg:Article ;
    sh:property [ sh:path dcterms:title ; sh:minCount 1 ; sh:message "no title" ] .
t:Task a sh:NodeShape ; sh:targetClass pkg:Task ;
    sh:property [ sh:path pkg:leadUnit ; sh:class pkg:UnitGroup ; sh:message "lead not a group" ] .
t:Citation a sh:NodeShape ; sh:targetClass pkg:Citation ;
    sh:property [ sh:path pkg:citesDocument ; sh:class pkg:Law ; sh:message "cites a non-law" ] .
"""


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory, laws_dir: Path) -> Path:
    """The seed, the shortest law and six generated documents (tables, articles, sections)."""
    folder = tmp_path_factory.mktemp("small")
    shutil.copy(next(CORPUS.glob("*.txt")), folder)
    shutil.copy(laws_dir / "生产安全事故应急条例.md", folder)
    generate(folder / "generated", 6, seed=3)
    return folder


def _artefacts(build: Path) -> dict[str, bytes]:
    names = ("model.json", "graph.nt", "graph.ttl", "validation.json", "thesaurus.json")
    return {name: (build / name).read_bytes() for name in names}


def test_two_workers_build_the_same_artefacts_as_one(small_corpus: Path, tmp_path: Path) -> None:
    serial = run_build([small_corpus], data_dir=tmp_path / "one", workers=1)
    parallel = run_build([small_corpus], data_dir=tmp_path / "two", workers=2)
    assert serial.path is not None and parallel.path is not None
    assert serial.counts == parallel.counts and serial.counts["documents"] == 8
    assert _artefacts(serial.path) == _artefacts(parallel.path)
    graph = Graph().parse(parallel.path / "graph.nt", format="nt")
    assert len(graph) == parallel.manifest["steps"]["graph"]["triples"]
    # the index may be written by a process of its own beside the graph step: it holds what the serial one holds
    assert _index_content(serial.path) == _index_content(parallel.path)


def _index_content(build: Path) -> tuple[list[dict[str, object]], dict[str, bytes]]:
    """Every stored passage of the build's whoosh index, and its side files (segment names are random)."""
    from whoosh.index import open_dir

    with open_dir(str(build / "index")).searcher() as searcher:
        stored = sorted(searcher.all_stored_fields(), key=lambda fields: str(sorted(fields.items())))
    files = {path.name: path.read_bytes() for path in (build / "index").glob("*.*") if path.suffix in {".json", ".txt"}}
    assert {"english.json", "meta.json", "userdict.txt"} <= set(files)
    return stored, files


_BESIDE_SCRIPT = """
import sys
from pathlib import Path
from search_api.builds.beside import StepFailed
from search_api.builds.datadir import current_build_id
from search_api.builds.make import run_build
from search_api.search import index

corpus, data = Path(sys.argv[1]), Path(sys.argv[2])
good = run_build([corpus], data_dir=data, workers=2)
steps = good.manifest["steps"]
print(steps["index"].get("process"), steps["index"]["documents"], steps["topics"].get("process"), steps["topics"]["tasks"])

def broken(_corpus, _build):
    raise OSError("disk full while writing the index")

index.write_index = broken
try:
    run_build([corpus], data_dir=data, workers=2)
except StepFailed as error:
    print(str(error).splitlines()[0])
print(current_build_id(data) == f"builds/{good.path.name}", [p.name for p in (data / "builds").iterdir()] == [good.path.name])
"""


def test_the_index_is_written_beside_the_graph_and_its_failure_fails_the_build(
    small_corpus: Path, tmp_path: Path
) -> None:
    """In a fresh interpreter (in this one, the suite's server threads make builds run their steps in process):
    the index step runs in a forked process of its own; when it fails there, the build raises naming the step,
    nothing is published and the build published before stays current."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _BESIDE_SCRIPT, str(small_corpus), str(tmp_path / "data")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and len(lines) == 3, done.stderr[-2000:]
    index_process, documents, topics_process, tasks = lines[0].split()
    assert index_process == topics_process == "beside" and int(documents) > 100 and int(tasks) > 100
    assert lines[1] == "build step index failed: OSError: disk full while writing the index"
    assert lines[2] == "True True"


def test_parts_write_what_the_whole_graph_writes(small_corpus: Path, tmp_path: Path) -> None:
    corpus, _ = ingest_paths([small_corpus])
    thesaurus = load_thesaurus()
    whole = build_graph(corpus, thesaurus=thesaurus)
    info = write_graph(corpus, tmp_path, workers=2)
    assert (tmp_path / "graph.nt").read_text(encoding="utf-8") == sorted_ntriples(whole)
    assert (tmp_path / "graph.ttl").read_text(encoding="utf-8") == sorted_turtle(whole)
    report = validate_graph(whole).to_json()
    assert json.loads((tmp_path / "validation.json").read_text(encoding="utf-8")) == report
    assert info["triples"] == len(whole)


@pytest.mark.parametrize("workers", [1, 2])
def test_failing_shapes_report_as_on_the_whole_graph(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    shapes = load_shapes().parse(data=EXTRA_SHAPES, format="turtle")
    monkeypatch.setattr(bulk, "load_shapes", lambda: shapes)
    corpus, _ = ingest_paths([small_corpus])
    thesaurus = load_thesaurus()
    expected = validate_graph(build_graph(corpus, thesaurus=thesaurus), shapes=shapes)
    assert not expected.conforms and {"no level", "no title", "lead not a group"} <= set(
        expected.by_message
    )
    findings = bulk.write_parts(corpus, thesaurus, tmp_path / "graph.nt", workers=workers).findings
    assert report_of(findings) == expected


def test_sorted_runs_spill_to_disk_and_merge(tmp_path: Path) -> None:
    runs = bulk.SortedRuns(tmp_path, limit=10)
    for chunk in (b"<b> <p> <o> .\n<d> <p> <o> .\n", b"<a> <p> <o> .\n<b> <p> <o> .\n", b"<c> <p> <o> .\n"):
        runs.add(chunk)
    out = tmp_path / "all.nt"
    assert runs.write(out) == 4
    assert out.read_bytes().splitlines() == [b"<%s> <p> <o> ." % c for c in (b"a", b"b", b"c", b"d")]


def test_the_pool_really_forks_here() -> None:
    """The two-worker tests above compare a real pool with the serial path, not the serial path with itself.

    In a fresh interpreter: the pool runs serially when other threads are alive (a fork would copy their locks),
    and the suite's session fixtures (a server in a thread) would make this process such a one.
    """
    import subprocess
    import sys

    script = (
        "import os\n"
        "from ingest.parallel import ordered_map\n"
        "def pid(_item):\n"
        "    return os.getpid()\n"
        "pids = set(ordered_map(pid, range(8), workers=2, chunksize=1))\n"
        "print(int(os.getpid() not in pids and bool(pids)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "1", done.stderr


def _quads(store_path: Path) -> set[str]:
    from pyoxigraph import Store

    return {str(quad) for quad in Store.read_only(str(store_path))}


def test_the_store_loaded_in_slices_holds_every_triple(seed_data_dir: Path, tmp_path: Path) -> None:
    """The seed's graph loaded 500 lines a call (many slices) is the same store as loaded in one call."""
    from kg.store import GRAPH_NT, load_oxigraph

    build = next((seed_data_dir / "builds").iterdir())
    ntriples = build / GRAPH_NT
    assert len(ntriples.read_bytes().splitlines()) > 5 * 500
    load_oxigraph(tmp_path / "sliced", ntriples, lines_per_load=500)
    load_oxigraph(tmp_path / "whole", ntriples, lines_per_load=10**9)
    sliced = _quads(tmp_path / "sliced")
    assert sliced == _quads(tmp_path / "whole")
    assert len(sliced) == len(ntriples.read_bytes().splitlines())


def test_a_file_with_blank_nodes_is_loaded_whole(tmp_path: Path) -> None:
    """A blank node named in two slices stays one node (Oxigraph renames blank nodes per load call)."""
    from pyoxigraph import Store

    from kg.store import load_oxigraph

    ntriples = tmp_path / "b.nt"
    ntriples.write_text('<http://x/a> <http://x/p> _:n .\n_:n <http://x/q> "1" .\n', encoding="utf-8")
    load_oxigraph(tmp_path / "store", ntriples, lines_per_load=1)
    store = Store.read_only(str(tmp_path / "store"))
    rows = list(store.query("SELECT ?v WHERE { <http://x/a> <http://x/p> ?n . ?n <http://x/q> ?v }"))
    assert [row["v"].value for row in rows] == ["1"]


def test_validation_cache_reuses_findings_until_the_shapes_change(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings kept in the cache are the findings pyshacl gives; other shapes miss the cache by themselves."""
    failing = load_shapes().parse(data=EXTRA_SHAPES, format="turtle")
    monkeypatch.setattr(bulk, "load_shapes", lambda: failing)
    corpus, _ = ingest_paths([small_corpus])
    thesaurus = load_thesaurus()
    cache = tmp_path / "cache"
    expected = validate_graph(build_graph(corpus, thesaurus=thesaurus), shapes=failing)
    first = bulk.write_parts(corpus, thesaurus, tmp_path / "1.nt", workers=2, cache_dir=cache)
    again = bulk.write_parts(corpus, thesaurus, tmp_path / "2.nt", workers=2, cache_dir=cache)
    assert (first.cached_parts, again.cached_parts) == (0, len(corpus.documents))
    assert report_of(first.findings) == report_of(again.findings) == expected and not expected.conforms
    monkeypatch.setattr(bulk, "load_shapes", load_shapes)
    plain = bulk.write_parts(corpus, thesaurus, tmp_path / "3.nt", workers=1, cache_dir=cache)
    assert plain.cached_parts == 0
    assert report_of(plain.findings) == validate_graph(build_graph(corpus, thesaurus=thesaurus))


def test_a_rebuild_validates_only_the_document_that_changed(small_corpus: Path, tmp_path: Path) -> None:
    """Through ``run_build``: an unchanged rebuild validates nothing again, an edited file one document, and the
    artefacts are those of a build without any cache."""
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    data = tmp_path / "data"
    first = run_build([corpus], data_dir=data, workers=2)
    unchanged = run_build([corpus], data_dir=data, workers=2)
    edited = sorted((corpus / "generated").glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n各单位要加强安全生产宣传教育。\n", encoding="utf-8")
    changed = run_build([corpus], data_dir=data, workers=2)
    fresh = run_build([corpus], data_dir=tmp_path / "fresh", workers=2, cache=False)
    documents = first.counts["documents"]
    cached = [build.manifest["steps"]["graph"]["validation_cached_documents"] for build in (first, unchanged, changed)]
    assert cached == [0, documents, documents - 1]
    assert fresh.manifest["steps"]["graph"]["validation_cached_documents"] == 0
    assert changed.path is not None and fresh.path is not None
    assert _artefacts(changed.path) == _artefacts(fresh.path)

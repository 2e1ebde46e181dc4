"""Document identity and the build's account of a corpus: ids from the text, duplicates read once, warnings
summarised by kind.

The documents are made in a temporary folder from the project's own test documents (tests/data), so the
corpus has the shape a user's folder has: the same file copied to two places, a draft and its final.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ingest.pipeline import ingest_paths
from tests.conftest import DATA, seed_path
from tests.test_cli_build import policykg

NOTICE = DATA / "metadata" / "multi_body_signature.txt"


def _unstructured(index: int) -> str:
    """A long report without numbered parts (its structure was missed: worth a warning)."""
    sentence = (
        f"第{index}号报告所述各项安全生产工作已经按照计划推进，相关单位正在逐项落实整改措施并形成台账。"
    )
    return f"某某县安全生产工作情况报告\n\n{sentence * 80}\n"


def test_the_same_text_under_two_paths_is_one_document(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(seed_path(), tmp_path / "a" / "seed.txt")
    crlf = seed_path().read_text(encoding="utf-8").replace("\n", "\r\n")
    (tmp_path / "b" / "copy of seed.txt").write_bytes(crlf.encode("utf-8"))
    corpus, failures = ingest_paths([tmp_path])
    assert failures == ()
    assert len(corpus.documents) == 1
    assert [(d.path, d.same_as) for d in corpus.duplicates] == [
        (str(tmp_path / "b" / "copy of seed.txt"), str(tmp_path / "a" / "seed.txt"))
    ]
    assert sum(len(d.tasks) for d in corpus.documents) == 57  # not 114


def test_a_draft_and_its_final_with_one_title_are_two_documents(tmp_path: Path) -> None:
    text = seed_path().read_text(encoding="utf-8")
    (tmp_path / "draft.txt").write_text(text, encoding="utf-8")
    final = text.replace("到2020年，全区安全生产保障能力", "到2021年，全区安全生产保障能力")
    assert final != text
    (tmp_path / "final.txt").write_text(final, encoding="utf-8")
    corpus, _ = ingest_paths([tmp_path])
    ids = [d.id for d in corpus.documents]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert len({d.title for d in corpus.documents}) == 1
    # the readable part of the id is the title's slug, the rest comes from the text
    assert len({i.rsplit("-", 1)[0] for i in ids}) == 1
    assert corpus.duplicates == ()


def test_ids_are_stable_across_builds_and_paths(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    shutil.copy(seed_path(), tmp_path / "x" / "renamed.txt")
    first, _ = ingest_paths([seed_path()])
    second, _ = ingest_paths([tmp_path / "x" / "renamed.txt"])
    assert first.documents[0].id == second.documents[0].id


def test_build_summarises_warnings_by_kind_and_names_duplicates(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index in range(5):
        (corpus / f"report{index}.txt").write_text(_unstructured(index), encoding="utf-8")
    shutil.copy(NOTICE, corpus / "circular.txt")
    shutil.copy(NOTICE, corpus / "circular copy.txt")
    (corpus / "short.txt").write_text(
        "某某县应急管理局关于调整值班安排的通知\n\n各股室：\n国庆期间值班安排不变。\n", encoding="utf-8"
    )
    data = tmp_path / "data"
    human = policykg("build", str(corpus), "--quiet", data=data)
    assert human.returncode == 0, human.stderr
    warning_lines = [line for line in human.stdout.splitlines() if line.startswith("warning:")]
    assert len(warning_lines) == 1  # one line for five files, not five lines
    assert "5 × no_structure" in warning_lines[0] and "and 2 more" in warning_lines[0]
    assert "short.txt" not in human.stdout  # a short notice without numbered articles is normal
    assert (
        f"duplicate: {corpus / 'circular.txt'} has the same text as {corpus / 'circular copy.txt'}"
        in human.stdout
    )
    result = policykg("build", str(corpus), "--quiet", "--json", data=data)
    summary = json.loads(result.stdout)
    assert summary["warning_counts"] == {"no_structure": 5}
    assert len(summary["warnings"]) == 5
    assert summary["duplicates"] == [
        {"path": str(corpus / "circular.txt"), "same_as": str(corpus / "circular copy.txt")}
    ]
    assert summary["counts"]["documents"] == 7
    manifest = json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["duplicates"] == summary["duplicates"]
    ids = [f["id"] for f in manifest["files"]]
    assert len(ids) == len(set(ids)) == 7

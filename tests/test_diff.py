"""Versions (issue 13, part 5): a draft and its final are linked, and ``policykg diff`` / ``GET /api/diff`` say
what changed between them.

The draft is the seed itself (its title line is followed by (征求意见稿)); the final is made here from the seed
text by edits a drafting office makes: the status line goes, article (七) is deleted (so (八)…(三十三) become
(七)…(三十二)), a sentence is added to article (三), task 10 moves below task 20 (the 序号 column renumbered), task
2 gets another deadline, task 53 another lead unit, task 30 another sentence. The diff must find exactly these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from ingest.numerals import format_cn_int, parse_cn_int
from search_api.builds.datadir import BUILDS, CURRENT
from search_api.cli.main import main
from search_api.facade import Build
from search_api.service.app import create_app
from search_api.settings import Settings
from tests.conftest import seed_path

FINAL_NAME = "王益区关于推进安全生产领域改革发展的实施意见.txt"
DELETED_ARTICLE = 7
CHANGED_ARTICLE = 3
ARTICLE_ADDITION = "，切实做到守土有责"
MOVED_TASK, MOVED_BELOW = 10, 20
DEADLINE_TASK, NEW_DEADLINE = 2, "2019年6月底前"
UNIT_TASK, OLD_UNIT, NEW_UNIT = 53, "区金融办", "区统计局"
WORDING_TASK, TASK_ADDITION = 30, "，每年至少开展一次专项检查"
_ARTICLE = re.compile(r"^（(?P<n>[一二三四五六七八九十]+)）")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


def _add_before_full_stop(text: str, addition: str, *, skip: int = 0) -> str:
    """``text`` with ``addition`` before its ``skip``-th full stop (0: the first)."""
    at = -1
    for _ in range(skip + 1):
        at = text.index("。", at + 1)
    return text[:at] + addition + text[at:]


def final_from_draft(draft: str) -> str:
    """The seed's final: the edits of the module docstring, on the seed's own text."""
    lines = draft.split("\n")
    assert lines[1].strip() in ("(征求意见稿)", "（征求意见稿）"), lines[1]
    del lines[1]
    table_at = next(i for i, line in enumerate(lines) if line.strip().endswith("重点任务分工方案"))
    body: list[str] = []
    deleting = False
    for line in lines[:table_at]:
        if match := _ARTICLE.match(line):
            number = parse_cn_int(match["n"])
            deleting = number == DELETED_ARTICLE
            if number > DELETED_ARTICLE:
                line = f"（{format_cn_int(number - 1)}）{line[match.end():]}"
            elif number == CHANGED_ARTICLE:  # the title ends at the first full stop; add to the text after it
                line = _add_before_full_stop(line, ARTICLE_ADDITION, skip=1)
        elif _SECTION.match(line):
            deleting = False
        if not deleting:
            body.append(line)
    rows: dict[int, list[str]] = {}
    head: list[str] = []
    for block in re.split(r"\n\s*\n", "\n".join(lines[table_at:])):
        cells = [cell.strip() for cell in block.split("\n") if cell.strip()]
        if cells and cells[0].isdigit():
            rows[int(cells[0])] = cells
        else:
            head.append(block)
    rows[DEADLINE_TASK][3] = NEW_DEADLINE
    assert OLD_UNIT in rows[UNIT_TASK][2]
    rows[UNIT_TASK][2] = rows[UNIT_TASK][2].replace(OLD_UNIT, NEW_UNIT)
    rows[WORDING_TASK][1] = _add_before_full_stop(rows[WORDING_TASK][1], TASK_ADDITION)
    order = [n for n in sorted(rows) if n != MOVED_TASK]
    order.insert(order.index(MOVED_BELOW) + 1, MOVED_TASK)
    table = [
        "\n".join("\t" + cell for cell in [str(new), *rows[old][1:]]) for new, old in enumerate(order, start=1)
    ]
    return "\n".join(body) + "\n" + "\n\n".join([*head, *table]) + "\n"


@dataclass
class Versions:
    data_dir: Path
    draft: str  # document ids
    final: str


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, seed_text: str) -> Versions:
    """One build of the seed (the draft) and its edited final, shared by the module."""
    from search_api.builds.make import run_build

    folder = tmp_path_factory.mktemp("versions")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / seed_path().name).write_text(seed_text, encoding="utf-8")
    (corpus / FINAL_NAME).write_text(final_from_draft(seed_text), encoding="utf-8")
    result = run_build([corpus], data_dir=folder / "data")
    assert result.path is not None and not result.failures, result.failures
    by_status = {f["path"]: f["id"] for f in result.manifest["files"]}
    draft = next(doc_id for path, doc_id in by_status.items() if path.endswith(seed_path().name))
    final = next(doc_id for path, doc_id in by_status.items() if path.endswith(FINAL_NAME))
    return Versions(data_dir=folder / "data", draft=draft, final=final)


@pytest.fixture(scope="module")
def diff(versions: Versions) -> dict:
    with Build.open(versions.data_dir) as build:
        return build.diff(versions.draft, versions.final).to_json()


@pytest.fixture(scope="module")
def client(versions: Versions) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=versions.data_dir)), base_url="http://127.0.0.1") as running:
        yield running


# -- the link ---------------------------------------------------------------------------------------------------
def test_the_final_is_a_revision_of_its_draft(versions: Versions) -> None:
    with Build.open(versions.data_dir) as build:
        assert [(r.old, r.new, r.basis) for r in build.revisions] == [(versions.draft, versions.final, "title")]
        assert build.documents[versions.draft].status == "征求意见稿"
        assert build.documents[versions.final].status is None
        assert build.manifest["revisions"] == [{"old": versions.draft, "new": versions.final, "basis": "title"}]
        store = build.require("graph")
        assert store.ask(
            "PREFIX prov: <http://www.w3.org/ns/prov#> ASK { "
            f"<https://w3id.org/policykg/id/doc/{versions.final}> prov:wasRevisionOf "
            f"<https://w3id.org/policykg/id/doc/{versions.draft}> }}"
        )
        assert build.manifest["steps"]["graph"]["validation"]["conforms"]


def test_documents_api_names_the_revisions(versions: Versions, client: TestClient) -> None:
    documents = {d["id"]: d for d in client.get("/api/documents").json()["documents"]}
    assert documents[versions.final]["revision_of"] == [versions.draft]
    assert documents[versions.draft]["revised_by"] == [versions.final]


def test_supersedes_names_a_pair_and_is_checked(versions: Versions) -> None:
    from ingest.revisions import RevisionError, with_revisions

    with Build.open(versions.data_dir) as build:
        corpus = build.corpus
    # said explicitly (by title and by file name), the other way round: it replaces what the titles said
    linked = with_revisions(corpus, [("王益区关于推进安全生产领域改革发展的实施意见", seed_path().name)])
    assert [(r.old, r.new, r.basis) for r in linked.revisions] == [(versions.final, versions.draft, "supersedes")]
    with pytest.raises(RevisionError, match="--supersedes OLD 'no-such-doc' is not a document") as error:
        with_revisions(corpus, [("no-such-doc", versions.final)])
    assert error.value.code == "unknown_document"
    with pytest.raises(RevisionError, match="cannot supersede itself"):
        with_revisions(corpus, [(versions.final, versions.final)])


def test_build_supersedes_is_persisted_and_a_wrong_side_builds_nothing(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "{title}\n\n一、总体要求\n\n（一）工作目标。区安监局要{what}。\n"
    (corpus / "a.txt").write_text(text.format(title="王益区安全生产工作要点", what="加强监督检查"), encoding="utf-8")
    (corpus / "b.txt").write_text(text.format(title="王益区安全生产工作方案", what="加强执法检查"), encoding="utf-8")
    data = tmp_path / "data"
    assert main(["build", str(corpus), "--data", str(data), "--quiet", "--supersedes", "a.txt=nope.txt"]) == 2
    assert "--supersedes NEW 'nope.txt' is not a document of this build" in capsys.readouterr().err
    # nothing is published (the parse cache may keep the files' parses for the next build)
    assert not (data / CURRENT).exists() and not any((data / BUILDS).glob("*"))
    with pytest.raises(SystemExit) as usage:  # argparse: a usage error, exit 2
        main(["build", str(corpus), "--data", str(data), "--quiet", "--supersedes", "badly-formed"])
    assert usage.value.code == 2
    assert "argument --supersedes: 'badly-formed' is not OLD=NEW" in capsys.readouterr().err
    args = ["build", str(corpus), "--data", str(data), "--json", "--supersedes", f"{corpus / 'a.txt'}=王益区安全生产工作方案"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    ((revision),) = summary["revisions"]
    assert revision["basis"] == "supersedes"
    with Build.open(data) as build:
        old, new = build.named("old", "a.txt"), build.named("new", "b.txt")
        assert [(r.old, r.new) for r in build.revisions] == [(old.id, new.id)]
        result = build.diff("a.txt", "b.txt").to_json()
    assert result["revision"] == "supersedes"
    assert result["metadata"]["title"] == {"old": "王益区安全生产工作要点", "new": "王益区安全生产工作方案"}
    (change,) = result["articles"]["changed"]
    assert [op for op in change["changes"]["text"] if op["op"] != "equal"] == [
        {"op": "replace", "old": "监督", "new": "执法"}
    ]


# -- the diff ---------------------------------------------------------------------------------------------------
def _numbers(entries: list[dict]) -> list[tuple[int, int]]:
    return [(e["old"]["number"], e["new"]["number"]) for e in entries]


def _rebuilt(ops: list[dict], side: str) -> str:
    return "".join(op["text"] if op["op"] == "equal" else op.get(side, "") for op in ops)


def test_title_block_and_sections(diff: dict, versions: Versions) -> None:
    assert (diff["old"]["id"], diff["new"]["id"], diff["revision"]) == (versions.draft, versions.final, "title")
    assert diff["metadata"] == {"status": {"old": "征求意见稿", "new": None}}
    assert diff["preamble"] == []
    assert diff["summary"]["sections"] == {
        "added": 0, "removed": 0, "changed": 0, "moved": 0, "renumbered": 0, "unchanged": 7,
    }  # fmt: skip


def test_a_deleted_article_renumbers_the_following_ones(diff: dict, versions: Versions) -> None:
    articles = diff["articles"]
    (removed,) = articles["removed"]
    assert (removed["number"], removed["label"], removed["title"]) == (DELETED_ARTICLE, "（七）", "健全责任考核机制")
    assert articles["added"] == [] and articles["moved"] == []
    assert _numbers(articles["renumbered"]) == [(n, n - 1) for n in range(DELETED_ARTICLE + 1, 34)]
    assert [(e["old"]["label"], e["new"]["label"]) for e in articles["renumbered"]][:2] == [
        ("（八）", "（七）"), ("（九）", "（八）"),
    ]  # fmt: skip
    (changed,) = articles["changed"]
    assert _numbers([changed]) == [(CHANGED_ARTICLE, CHANGED_ARTICLE)]
    ops = changed["changes"]["text"]
    assert [op for op in ops if op["op"] != "equal"] == [{"op": "insert", "new": ARTICLE_ADDITION}]
    assert "title" not in changed["changes"]
    with Build.open(versions.data_dir) as build:
        old = next(a for a in build.documents[versions.draft].articles() if a.number == CHANGED_ARTICLE)
        new = next(a for a in build.documents[versions.final].articles() if a.number == CHANGED_ARTICLE)
    assert (_rebuilt(ops, "old"), _rebuilt(ops, "new")) == (old.text, new.text)
    assert diff["summary"]["articles"]["unchanged"] == 33 - 1 - 1 - 26


def test_tasks_moved_reworded_redated_and_reassigned(diff: dict) -> None:
    tasks = diff["tasks"]
    assert tasks["added"] == [] and tasks["removed"] == []
    assert _numbers(tasks["moved"]) == [(MOVED_TASK, MOVED_BELOW)]
    assert _numbers(tasks["renumbered"]) == [(n, n - 1) for n in range(MOVED_TASK + 1, MOVED_BELOW + 1)]
    changed = {e["old"]["number"]: e for e in tasks["changed"]}
    assert sorted(changed) == [DEADLINE_TASK, WORDING_TASK, UNIT_TASK]
    assert all(not e["moved"] and e["old"]["number"] == e["new"]["number"] for e in changed.values())
    assert changed[DEADLINE_TASK]["changes"] == {"deadline": {"old": "2018年", "new": NEW_DEADLINE}}
    units = changed[UNIT_TASK]["changes"]
    assert list(units) == ["units"]
    assert (units["units"]["removed"], units["units"]["added"]) == ([OLD_UNIT], [NEW_UNIT])
    assert units["units"]["new"] == [NEW_UNIT if name == OLD_UNIT else name for name in units["units"]["old"]]
    wording = changed[WORDING_TASK]["changes"]
    assert list(wording) == ["text"]
    assert [op for op in wording["text"] if op["op"] != "equal"] == [{"op": "insert", "new": TASK_ADDITION}]
    assert diff["summary"]["tasks"]["unchanged"] == 57 - 1 - 10 - 3


def test_units_that_appear_or_vanish(diff: dict) -> None:
    assert [u["name"] for u in diff["units"]["appeared"]] == [NEW_UNIT]
    assert [u["name"] for u in diff["units"]["vanished"]] == [OLD_UNIT]
    assert not diff["summary"]["identical"]


def test_a_document_against_itself_is_identical(versions: Versions) -> None:
    with Build.open(versions.data_dir) as build:
        same = build.diff(versions.final, versions.final).to_json()
    assert same["summary"]["identical"] and same["revision"] is None
    assert same["summary"]["articles"]["unchanged"] == 32 and same["summary"]["tasks"]["unchanged"] == 57


def test_the_other_way_round(versions: Versions) -> None:
    with Build.open(versions.data_dir) as build:
        back = build.diff(versions.final, versions.draft).to_json()
    assert back["revision"] == "reversed"
    assert [a["label"] for a in back["articles"]["added"]] == ["（七）"]
    assert [u["name"] for u in back["units"]["appeared"]] == [OLD_UNIT]


# -- the faces -------------------------------------------------------------------------------------------------
def test_cli_json_is_the_api_answer(versions: Versions, client: TestClient, capsysbinary) -> None:
    assert main(["diff", versions.draft, versions.final, "--json", "--data", str(versions.data_dir)]) == 0
    printed = capsysbinary.readouterr().out
    response = client.get(f"/api/diff?old={versions.draft}&new={versions.final}")
    assert response.status_code == 200 and printed == response.content
    # a document may be named by its title as printed (a draft's with its status) or by its file name
    by_title = client.get("/api/diff?old=" + quote("王益区关于推进安全生产领域改革发展的实施意见（征求意见稿）")
                          + "&new=" + quote(FINAL_NAME))  # fmt: skip
    assert by_title.content == response.content


def test_cli_text_names_each_change(versions: Versions, capsys) -> None:
    assert main(["diff", versions.draft, versions.final, "--data", str(versions.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "revision: by title" in out
    assert "  - （七）健全责任考核机制" in out
    assert f"{{+{ARTICLE_ADDITION}+}}" in out and f"{{+{TASK_ADDITION}+}}" in out
    assert f"deadline: 2018年 → {NEW_DEADLINE}" in out
    assert f"units: −{OLD_UNIT} +{NEW_UNIT}" in out
    assert f"↕ 任务{MOVED_TASK} → {MOVED_BELOW} (moved)" in out
    assert "（八）→（七）" in out


def test_unknown_or_missing_documents_are_named(versions: Versions, client: TestClient, capsys) -> None:
    assert main(["diff", "no-such-doc", versions.final, "--data", str(versions.data_dir)]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("policykg diff: parameter 'old': no document 'no-such-doc' in this build") and "\n" not in line
    body = client.get(f"/api/diff?old={versions.draft}&new=nope").json()
    assert (body["status"], body["code"]) == (404, "unknown_document") and "'new'" in body["error"]
    body = client.get(f"/api/diff?new={versions.final}").json()
    assert (body["status"], body["code"]) == (400, "bad_parameter") and "'old'" in body["error"]
    body = client.get(f"/api/diff?old=%20&new={versions.final}").json()
    assert body["status"] == 400 and "'old'" in body["error"]


# -- the report and the page ------------------------------------------------------------------------------------
def test_report_has_changes_since_the_draft(versions: Versions, built_data: Path) -> None:
    with Build.open(versions.data_dir) as build:
        page = build.export("report").content.decode("utf-8")
    assert "<h2>八、修改情况（与征求意见稿相比）</h2>" in page
    section = page[page.index("八、修改情况"):]
    assert f"<del>{OLD_UNIT}</del>" in section and f"<ins>{NEW_UNIT}</ins>" in section
    assert f"<del>2018年</del> → <ins>{NEW_DEADLINE}</ins>" in section
    assert f"<ins>{ARTICLE_ADDITION}</ins>" in section and "（七）健全责任考核机制" in section
    with Build.open(built_data) as seed_only:  # no draft and final in the build: no such section
        assert "修改情况" not in seed_only.export("report").content.decode("utf-8")


def test_page_shows_the_diff(browser, versions: Versions) -> None:
    from tests.conftest import serve

    with serve(versions.data_dir) as server:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server.url}/#/docs")
        page.locator("a.compare-draft").first.click()  # the final's card links to the diff with its draft
        page.wait_for_selector(".diff-list li.ch-changed")
        assert page.locator("#diff-form select[name=old]").input_value() == versions.draft
        assert page.locator("#diff-form select[name=new]").input_value() == versions.final
        assert page.locator(".diff-list ins", has_text=NEW_DEADLINE).count() == 1
        assert page.locator(".diff-list del", has_text=OLD_UNIT).count() == 1
        assert page.locator(".diff-list li.ch-removed", has_text="健全责任考核机制").count() == 1
        assert page.locator(".diff-list li.ch-moved").count() == 1
        page.locator("#lang").click()
        page.wait_for_selector("h1:has-text('Compare versions')")
        page.goto(f"{server.url}/#/diff?old=nope&new={versions.final}")
        page.wait_for_selector(".error")
        assert not errors, errors
        page.close()

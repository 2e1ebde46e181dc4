"""`policykg build` and `policykg export --format json` as a user runs them: summary, failures, data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, ROOT, seed_path


def policykg(*args: str, data: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLICYKG_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "search_api.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_build_reports_bad_files_by_name_and_still_builds_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_bytes(seed_path().read_bytes())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.txt").write_bytes(bytes(range(256)) * 16)
    (corpus / "sheet.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    data = tmp_path / "data"
    result = policykg("build", str(corpus), data=data)
    assert result.returncode == 1
    for name in ("empty.txt", "scan.txt", "sheet.xls"):
        assert f"FAILED {corpus / name}" in result.stdout
    assert "built: 1 documents, 7 sections, 33 articles, 57 tasks" in result.stdout
    assert "[1/4]" in result.stderr  # progress
    exported = policykg("export", "--format", "json", data=data)
    assert exported.returncode == 0
    model = json.loads(exported.stdout)
    assert model["documents"][0]["status"] == "征求意见稿"
    assert len(model["documents"][0]["tasks"]) == 57


def test_a_build_with_nothing_readable_keeps_the_previous_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert policykg("build", str(DATA / "city_rules_law_style.txt"), "--quiet", data=data).returncode == 0
    before = (data / "current" / "manifest.json").read_text(encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    result = policykg("build", str(broken), "--quiet", data=data)
    assert result.returncode == 1 and "previous build" in result.stdout
    assert (data / "current" / "manifest.json").read_text(encoding="utf-8") == before


def test_build_json_summary_and_default_corpus(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = policykg("build", "--json", "--quiet", "--data", str(data), data=tmp_path / "ignored")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"]["tasks"] == 57 and summary["failures"] == []
    manifest = json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"][0]["path"].startswith("corpus")
    assert manifest["counts"]["documents"] == 1


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    result = policykg("export", "--format", "json", data=tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no build in" in result.stderr and "policykg build" in result.stderr


def test_a_missing_path_is_a_usage_error_printed_once(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "path"
    result = policykg("build", str(missing), str(DATA / "city_rules_law_style.txt"), data=tmp_path / "data")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"policykg build: {missing}: no such file or folder"]
    assert result.stdout == "" and not (tmp_path / "data").exists()


def test_nothing_readable_in_a_fresh_data_dir_does_not_claim_a_previous_build(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    result = policykg("build", str(broken), "--quiet", data=tmp_path / "data")
    assert result.returncode == 1
    assert "is kept" not in result.stdout and "no build in" in result.stdout


def bogus_pdf() -> bytes:
    """A PDF that is not one: no header, no EOF marker (pypdf warns about both, then gives up)."""
    return b"hello, this is not a pdf at all\n" * 5


def test_oversized_files_and_pypdf_warnings_are_reported_per_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_bytes(seed_path().read_bytes())
    (corpus / "big.txt").write_bytes(seed_path().read_bytes() * 4)  # ~190 KB
    (corpus / "bogus.pdf").write_bytes(bogus_pdf())
    result = policykg("build", str(corpus), "--json", "--quiet", "--max-file-mb", "0.1", data=tmp_path / "data")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    by_path = {Path(f["path"]).name: f for f in summary["failures"]}
    assert by_path["big.txt"]["code"] == "too_large"
    assert str(corpus / "big.txt") in by_path["big.txt"]["reason"] and "0.1 MB" in by_path["big.txt"]["reason"]
    assert by_path["bogus.pdf"]["code"] == "unreadable_document"
    assert summary["counts"]["documents"] == 1 and summary["counts"]["tasks"] == 57
    pdf_warnings = [w for w in summary["warnings"] if w.startswith(str(corpus / "bogus.pdf"))]
    assert any("invalid pdf header" in w for w in pdf_warnings), summary["warnings"]
    assert any("EOF marker not found" in w for w in pdf_warnings), summary["warnings"]
    assert "pdf header" not in result.stderr and "EOF marker" not in result.stderr


def test_max_file_mb_must_be_a_positive_number(tmp_path: Path) -> None:
    result = policykg("build", "--max-file-mb", "-3", data=tmp_path / "data")
    assert result.returncode == 2 and "--max-file-mb" in result.stderr and "positive" in result.stderr

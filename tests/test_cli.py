import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import FIXTURES, PINGTAN, ROOT, ZHUZHOU


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etl", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_parse_json_contract() -> None:
    result = run("parse", str(ZHUZHOU), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"source", "sha256", "agency", "year", "template", "published", "cells", "issues"}
    assert (data["agency"], data["year"], data["template"], data["published"]) == ("株洲市审计局", 2019, "2019", "2020-01-14")
    assert data["cells"]["active.procurement.projects"] == 52
    assert len(data["sha256"]) == 64
    assert all(set(issue) >= {"severity", "rule", "message", "cells"} for issue in data["issues"])


def test_failed_identities_are_error_issues_but_the_file_is_still_a_report() -> None:
    result = run("parse", str(FIXTURES / "zhuzhou-broken-identity.txt"), "--json")
    assert result.returncode == 0
    issues = json.loads(result.stdout)["issues"]
    assert {"balance", "applicants"} <= {issue["rule"] for issue in issues if issue["severity"] == "error"}


def test_not_a_report_exits_non_zero_with_the_reason_in_json() -> None:
    result = run("parse", str(FIXTURES / "notice.txt"), "--json")
    assert result.returncode != 0
    data = json.loads(result.stdout)
    assert data["cells"] == {} and data["issues"][0]["severity"] == "error"
    assert "不是年度报告" in data["issues"][0]["message"]


def test_ingest_prints_a_summary_with_reasons_and_export_writes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = run("ingest", str(ZHUZHOU), str(PINGTAN), str(FIXTURES / "empty.txt"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "新导入 2" in result.stdout and "失败 1" in result.stdout and "文件是空的" in result.stdout
    assert "Traceback" not in result.stderr
    again = run("ingest", str(ZHUZHOU), "--db", str(db))
    assert "未变化 1" in again.stdout
    out = tmp_path / "x.csv"
    exported = run("export", "--db", str(db), "--format", "csv", "--out", str(out))
    assert exported.returncode == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_of_a_missing_warehouse_is_one_clear_sentence(tmp_path: Path) -> None:
    result = run("export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert "不存在" in result.stderr and "Traceback" not in result.stderr

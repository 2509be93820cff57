"""Broken and hostile files end in a plain reason, in bounded time and memory, never a
traceback; and one of them never stops the others in a batch."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from etl.document import ReadError
from etl.ingest import find_files, ingest
from etl.parse import parse_file
from tests.conftest import ROOT, SAMPLES, ZHUZHOU

HUAIAN = SAMPLES / "huaian-gov-2024.pdf"


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(100, 700, "2024 report")
    page.save()
    return buffer.getvalue()


def _docx_with(document_xml: bytes) -> bytes:
    template = zipfile.ZipFile(ROOT / "corpus" / "template-2021-blank.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in template.infolist():
            data = document_xml if item.filename == "word/document.xml" else template.read(item)
            out.writestr(item.filename, data)
    return buffer.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode() for i in range(1, 10))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)

HOSTILE = {
    "truncated.pdf": lambda: HUAIAN.read_bytes()[: len(HUAIAN.read_bytes()) // 3],
    "encrypted.pdf": _encrypted_pdf,
    "junk.pdf": lambda: b"%PDF-1.7\n" + os.urandom(20_000),
    "laughs.docx": lambda: _docx_with(_LAUGHS),
    "bomb.docx": lambda: _docx_with(b"<w:document>" + b" " * (60 * 2**20) + b"</w:document>"),
    "deep.html": lambda: (
        "<html><body>" + "<div>" * 3000 + "二、主动公开政府信息情况" + "</div>" * 3000 + "</body></html>"
    ).encode(),
    "digits.txt": lambda: ("三、收到和处理政府信息公开申请情况\n（一）予以公开" + "7" * 2_000_000).encode(),
}
REASONS = {
    "truncated.pdf": "PDF",
    "encrypted.pdf": "密码",
    "junk.pdf": "PDF",
    "laughs.docx": "Word",
    "bomb.docx": "压缩比",
    "deep.html": "嵌套过深",
    "digits.txt": "连在一起",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in HOSTILE.items():
        (folder / name).write_bytes(make())
    return folder


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_plain_reason(hostile: Path, name: str) -> None:
    with pytest.raises(ReadError, match=REASONS[name]) as refused:
        parse_file(hostile / name)
    assert str(hostile / name) in str(refused.value)  # the reason names the file


@pytest.mark.parametrize("name", ["encrypted.pdf", "laughs.docx", "digits.txt"])
def test_parse_json_prints_the_reason_and_no_traceback(hostile: Path, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(hostile / name), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (issue,) = json.loads(done.stdout)["issues"]
    assert REASONS[name] in issue["message"]


def test_a_pipe_is_refused_at_once_not_read_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="不是普通文件"):
        parse_file(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(fifo), "--json"], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert done.returncode == 1 and "不是普通文件" in done.stdout


def test_hostile_files_among_good_ones_fail_alone(hostile: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    summary = ingest(find_files([hostile, ZHUZHOU, tmp_path / "no-such-file.txt"]), db)
    assert summary.counts["loaded"] == 1
    assert summary.counts["failed"] == len(HOSTILE) + 1
    assert all("内部错误" not in failure.reason for failure in summary.failures)


def test_one_missing_path_on_the_command_line_is_one_failure_line(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "ingest", str(tmp_path / "gone.txt"), str(ZHUZHOU), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "新导入 1" in done.stdout and "失败 1" in done.stdout and "gone.txt" in done.stdout

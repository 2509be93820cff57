"""Files no report reader should trust: broken, hostile or merely odd, each with the word
its refusal must contain. The robustness benchmark and the tests ingest them mixed with
good reports."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDF = ROOT / "data" / "samples" / "huaian-gov-2024.pdf"
TEMPLATE_DOCX = Path(__file__).with_name("template-2021-blank.docx")


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    page.drawString(100, 700, "2024 report")
    page.save()
    return buffer.getvalue()


def _many_pages(count: int) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in range(count):
        page.drawString(100, 700, f"page {number}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def docx_with(document_xml: bytes) -> bytes:
    """The official template with its body replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE_DOCX) as template, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in template.infolist():
            out.writestr(item.filename, document_xml if item.filename == "word/document.xml" else template.read(item))
    return buffer.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode() for i in range(1, 10))
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)

#: name → (how to make its bytes, a word its reason contains)
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated.pdf": (lambda: SAMPLE_PDF.read_bytes()[: SAMPLE_PDF.stat().st_size // 3], "PDF"),
    "encrypted.pdf": (_encrypted_pdf, "密码"),
    "junk.pdf": (lambda: b"%PDF-1.7\n" + os.urandom(20_000), "PDF"),
    "20000-pages.pdf": (lambda: _many_pages(20_000), "页"),
    "laughs.docx": (lambda: docx_with(_LAUGHS), "Word"),
    "bomb.docx": (lambda: docx_with(b"<w:document>" + b" " * (60 * 2**20) + b"</w:document>"), "压缩比"),
    "deep.html": (
        lambda: ("<html><body>" + "<div>" * 3000 + "二、主动公开" + "</div>" * 3000 + "</body></html>").encode(),
        "嵌套",
    ),
    "digits.txt": (lambda: ("三、收到和处理政府信息公开申请情况\n（一）予以公开" + "7" * 2_000_000).encode(), "连在一起"),
    "empty.txt": (lambda: b"", "空"),
    "binary.txt": (lambda: os.urandom(4096), "二进制"),
    "nuls.txt": (lambda: "二、主动公开政府信息情况".encode() + b"\0" * 5000, "二进制"),
    "bad-encoding.txt": (lambda: b"\xff\xfe\xfa\xfb" * 2000 + b"\x80\x81", "年度报告"),
    "huge.txt": (lambda: b"a" * (201 * 2**20), "MB"),
    "名称 with spaces & 符号 (1).txt": (lambda: "这是一份通知，不是年度报告。".encode(), "不是年度报告"),
    "legacy.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, ".docx"),
}


def write_hostile(folder: Path, skip: frozenset[str] = frozenset()) -> dict[Path, str]:
    """Write every hostile file (and a symlink loop) into ``folder``; each path with the
    word its refusal must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[Path, str] = {}
    for name, (make, word) in HOSTILE.items():
        if name in skip:
            continue
        path = folder / name
        path.write_bytes(make())
        written[path] = word
    loop = folder / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "again").is_symlink():
        (loop / "again").symlink_to(loop, target_is_directory=True)  # a folder that contains itself
    return written

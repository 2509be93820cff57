"""Export the corpus's Word files to PDF with LibreOffice, as Word, WPS and Writer do.

Office exports are the commonest PDFs of all: ruled tables whose borders are drawn as
many short segments, merged cells, header text wrapped over several lines. Debian's
``soffice --headless --convert-to pdf`` converts a whole folder in one start, so a batch
is converted at once; each run gets a profile of its own so that runs never collide.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

SOFFICE = "soffice"


class ConversionError(RuntimeError):
    """LibreOffice did not produce a PDF for a document."""


def export_pdfs(documents: list[bytes], timeout: float = 600) -> list[bytes]:
    """Each .docx's PDF export, in order."""
    if not documents:
        return []
    with tempfile.TemporaryDirectory(prefix="corpus-office-") as folder:
        root = Path(folder)
        sources = []
        for index, data in enumerate(documents):
            source = root / f"{index:06d}.docx"
            source.write_bytes(data)
            sources.append(source)
        profile = (root / "profile").as_uri()
        command = [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(root / "out"),
        ]
        subprocess.run([*command, *map(str, sources)], check=True, capture_output=True, timeout=timeout)
        results = []
        for source in sources:
            target = root / "out" / f"{source.stem}.pdf"
            if not target.exists():
                raise ConversionError(f"LibreOffice 没有导出 {source.name}")
            results.append(target.read_bytes())
        return results

"""OCR speed and memory: the real 淮安 report rasterised into an image-only PDF and read.

    python bench/ocr.py [--threads 1] [--dpi 200]

The scan is read with an empty OCR cache, in a fresh process per run so that the peak
memory is the reading's own (models, page images, recognition). Prints seconds per page
by kind (pages surveyed only, table pages read in full) and the process's peak memory.
The last line is ``ocr: X s per table page (N threads), Y s per report, peak Z MiB``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "data" / "samples" / "huaian-gov-2024.pdf"


def rasterised(dpi: int) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(SAMPLE)
    pages = [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(document))]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buffer.getvalue()


def read_once(path: str) -> None:
    """In the child: read the scan, timing each page, and print the figures as JSON."""
    from etl.readers import ocr, read_document

    timings: list[tuple[int, float, bool]] = []
    started = time.perf_counter()
    last = [started]
    resolutions: list[int] = []  # of each rendering since the last page was done
    original = ocr._ocr_page

    def noting(page: object, dpi: int, with_grid: bool) -> ocr.PageRead:
        resolutions.append(dpi)
        return original(page, dpi, with_grid)

    ocr._ocr_page = noting  # type: ignore[assignment]

    def page_read(done: int, total: int) -> None:
        now = time.perf_counter()
        timings.append((done, now - last[0], ocr.OCR_DPI in resolutions))
        resolutions.clear()
        last[0] = now

    document = read_document(Path(path), on_page=page_read)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": timings, "seconds": elapsed, "peak_mib": peak, "rows": len(document.rows)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        read_once(args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        scan = Path(folder) / "huaian-scan.pdf"
        scan.write_bytes(rasterised(args.dpi))
        environment = {
            **os.environ,
            "GOV_REPORTS_OCR_CACHE": str(Path(folder) / "cache"),
            "GOV_REPORTS_OCR_THREADS": str(args.threads),
        }
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(scan)], env=environment, capture_output=True, text=True, check=True
        )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    full = [seconds for _, seconds, table in figures["pages"] if table]
    survey = [seconds for _, seconds, table in figures["pages"] if not table]
    for number, seconds, table in figures["pages"]:
        print(f"page {number}: {seconds:5.1f} s ({'read in full' if table else 'surveyed only'})")
    per_table = sum(full) / max(len(full), 1)
    print(f"surveyed-only pages: {len(survey)}, {sum(survey) / max(len(survey), 1):.1f} s each")
    print(
        f"ocr: {per_table:.1f} s per table page ({args.threads} threads), {figures['seconds']:.0f} s per report, "
        f"peak {figures['peak_mib']:.0f} MiB"
    )


if __name__ == "__main__":
    main()

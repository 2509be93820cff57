"""Print the corpus's web pages to PDF with headless chromium, as officials' browsers do.

"打印/另存为 PDF" of a report page is one of the commonest PDFs agencies publish: no ruling
lines (or hairlines from the site's CSS), blank cells that leave no text, labels that wrap
in a narrow first column. The browser is Debian's chromium driven by Playwright, started
once per process and reused.
"""

from __future__ import annotations

import atexit
import re
from typing import Any

CHROMIUM = "/usr/bin/chromium"

#: Page styles sites give their article tables: none at all, or hairline borders.
_STYLES = {
    "plain": "td{padding:3px 6px;vertical-align:middle}",
    "hairline": "table{border-collapse:collapse}td{border:0.5px solid #888;padding:3px 6px}",
}

_browser: Any = None
_playwright: Any = None


def _page() -> Any:
    global _browser, _playwright
    if _browser is None:
        from playwright.sync_api import sync_playwright

        _playwright = sync_playwright().start()
        _browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        atexit.register(_close)
    return _browser.new_page()


def _close() -> None:
    global _browser, _playwright
    if _browser is not None:
        _browser.close()
        _playwright.stop()
        _browser = _playwright = None


def print_page(html: bytes, narrow: bool = False, style: str = "plain") -> bytes:
    """The page as chromium prints it: A4, or a narrow page on which long labels wrap."""
    text = html.decode("gb18030" if b'charset="gbk"' in html[:300] else "utf-8")
    text = re.sub(r"<table border=1>", "<table>", text)
    text = text.replace("</head>", f"<style>body{{font-size:12px}}{_STYLES[style]}</style></head>", 1)
    page = _page()
    try:
        page.set_content(text, wait_until="load")
        if narrow:
            return bytes(page.pdf(width="130mm", height="297mm", margin={"top": "12mm", "bottom": "12mm"}))
        return bytes(page.pdf(format="A4", margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}))
    finally:
        page.close()

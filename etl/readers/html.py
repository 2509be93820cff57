"""Web pages (.html/.htm): a saved government page or just the article.

Table rows become rows of cells, one per <td> as printed (a spanned cell once, not once
per column it spans); text split across <span>s or <br>s is joined; paragraphs outside
tables become one-cell rows. Navigation, sidebars and footers stay in as paragraphs: the
recogniser only looks between the report's own part headings.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from etl.document import Cell, ReadError, SourceDocument

_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "center",
    "blockquote",
    "dd",
    "dt",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "body",
    "html",
    "form",
    "pre",
}
_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "input"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_TITLE_WORDS = ("年度报告", "年报")


def decode_html(data: bytes, path: str) -> str:
    """Decode with the charset the page declares; GBK and GB2312 are read as GB18030."""
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii").lower()] if declared else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"):
            encoding = "gb18030"
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError(f"{path}：网页的文字编码无法识别")


def read_html(text: str, path: str) -> SourceDocument:
    soup = BeautifulSoup(text, "lxml")
    rows: list[list[Cell]] = []
    _walk(soup, rows, [])
    meta = {}
    title = _title(soup)
    if title:
        meta["标题"] = title
    published = _published_meta(soup)
    if published:
        meta["发布时间"] = published
    if not rows:
        raise ReadError(f"{path}：网页中没有文字内容")
    return SourceDocument(path, "html", rows, meta)


#: The <meta> names government CMS pages give their publication time.
_PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "articlepubdate", "published_time", "article:published_time")


def _published_meta(soup: BeautifulSoup) -> str:
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").lower()
        if name in _PUBLISHED_META and tag.get("content"):
            return str(tag["content"])
    return ""


def _title(soup: BeautifulSoup) -> str:
    """The page's own title when it names an annual report (sidebars list other reports)."""
    for tag in [*soup.find_all(["h1", "h2"]), soup.title]:
        if isinstance(tag, Tag):
            text = _clean(tag.get_text(""))
            if any(word in text for word in _TITLE_WORDS):
                return text
    return ""


def _clean(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text).strip()


def _walk(node: Tag, rows: list[list[Cell]], buffer: list[str]) -> None:
    """Emit paragraphs and table rows in document order."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "ProcessingInstruction", "Declaration"):
                continue
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        if child.name == "table":
            _flush(buffer, rows)
            _table(child, rows)
        elif child.name == "br":
            _flush(buffer, rows)
        elif child.name in _BLOCKS or child.name == "tr":
            _flush(buffer, rows)
            _walk(child, rows, buffer)
            _flush(buffer, rows)
        else:  # inline: span, font, b, o:p, a …
            _walk(child, rows, buffer)


def _flush(buffer: list[str], rows: list[list[Cell]]) -> None:
    text = _clean("".join(buffer))
    buffer.clear()
    if text:
        rows.append([Cell(text, f"第{len(rows) + 1}段")])


def _table(table: Tag, rows: list[list[Cell]]) -> None:
    if table.find("table"):  # a layout table around the real one: read what is inside
        _walk(table, rows, [])
        return
    number = sum(1 for row in rows if len(row) > 1) + 1
    for index, tr in enumerate(table.find_all("tr"), start=1):
        cells = [Cell(_cell_text(td), f"表格第{number}行起第{index}行") for td in tr.find_all(["td", "th"], recursive=False)]
        if cells:
            rows.append(cells)


def _cell_text(td: Tag) -> str:
    """A cell's text with <br> and <span> splits joined: labels and numbers wrap inside cells."""
    parts = [str(piece) for piece in td.find_all(string=True) if piece.parent is None or piece.parent.name not in _SKIP]
    return re.sub(r"[\s\u00a0\u3000]+", " ", "".join(parts)).strip()

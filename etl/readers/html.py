"""Web pages (.html/.htm): a saved government page or just the article.

Table rows become rows of cells, one per <td> as printed (a spanned cell once, not once
per column it spans); text split across <span>s or <br>s is joined; paragraphs outside
tables become one-cell rows. Navigation, sidebars and footers stay in as paragraphs: the
recogniser only looks between the report's own part headings.
"""

from __future__ import annotations

import re

from lxml import etree

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
    root = _parse(text, path)
    rows: list[list[Cell]] = []
    buffer: list[str] = []
    _walk(root, rows, buffer)
    _flush(buffer, rows)
    meta = {}
    title = _title(root)
    if title:
        meta["标题"] = title
    published = _published_meta(root)
    if published:
        meta["发布时间"] = published
    if not rows:
        raise ReadError(f"{path}：网页中没有文字内容")
    return SourceDocument(path, "html", rows, meta)


def _parse(text: str, path: str) -> etree._Element:
    """The page's tree, from lxml's HTML parser (what BeautifulSoup would use, without its
    objects for every string: most of a page's reading time), as plain elements: the
    classes ``lxml.html`` gives them are looked up in Python for every element touched.
    The parser stops at 256 levels of nesting and drops what lies deeper: such a page is
    refused, not read in part."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = etree.fromstring(text.encode("utf-8", errors="replace"), parser=parser) if text.strip() else None
    if root is None:  # nothing a parser keeps (only spaces, or only a comment)
        return etree.fromstring(b"<html></html>", parser=parser)
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise ReadError(f"{path}：文件结构嵌套过深，无法读取")
    return root


#: The <meta> names government CMS pages give their publication time.
_PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "articlepubdate", "published_time", "article:published_time")


def _published_meta(root: etree._Element) -> str:
    for tag in root.iter("meta"):
        name = str(tag.get("name") or tag.get("property") or "").lower()
        if name in _PUBLISHED_META and tag.get("content"):
            return str(tag.get("content"))
    return ""


def _title(root: etree._Element) -> str:
    """The page's own title when it names an annual report (sidebars list other reports)."""
    for tag in [*root.iter("h1", "h2"), *root.iter("title")]:
        text = _clean("".join(tag.itertext()))
        if any(word in text for word in _TITLE_WORDS):
            return text
    return ""


def _clean(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text).strip()


def _walk(node: etree._Element, rows: list[list[Cell]], buffer: list[str]) -> None:
    """Emit paragraphs and table rows in document order: an element's own text, then each
    child, then the text after that child (its ``tail``)."""
    if node.text:
        buffer.append(node.text)
    for child in node:
        name = child.tag.lower() if isinstance(child.tag, str) else ""
        if name and name not in _SKIP:
            if name == "table":
                _flush(buffer, rows)
                _table(child, rows)
            elif name == "br":
                _flush(buffer, rows)
            elif name in _BLOCKS or name == "tr":
                _flush(buffer, rows)
                _walk(child, rows, buffer)
                _flush(buffer, rows)
            else:  # inline: span, font, b, o:p, a …
                _walk(child, rows, buffer)
        if child.tail:
            buffer.append(child.tail)


def _flush(buffer: list[str], rows: list[list[Cell]]) -> None:
    text = _clean("".join(buffer))
    buffer.clear()
    if text:
        rows.append([Cell(text, f"第{len(rows) + 1}段")])


def _table(table: etree._Element, rows: list[list[Cell]]) -> None:
    if next(table.iterdescendants("table"), None) is not None:  # a layout table around the real one
        _walk(table, rows, [])
        return
    number = sum(1 for row in rows if len(row) > 1) + 1
    for index, tr in enumerate(table.iter("tr"), start=1):
        where = f"表格第{number}行起第{index}行"
        cells = [Cell(_cell_text(td), where) for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
        if cells:
            rows.append(cells)


def _cell_text(td: etree._Element) -> str:
    """A cell's text with <br> and <span> splits joined: labels and numbers wrap inside cells."""
    if len(td) == 0:  # most cells: text alone, no markup inside
        text = td.text or ""
        return text if text.isalnum() else _SPACE_RUNS.sub(" ", text).strip()  # a number or a word has no spaces
    parts: list[str] = []
    _texts(td, parts)
    return _SPACE_RUNS.sub(" ", "".join(parts)).strip()


_SPACE_RUNS = re.compile(r"[\s\u00a0\u3000]+")


def _texts(node: etree._Element, parts: list[str]) -> None:
    if node.text and not (isinstance(node.tag, str) and node.tag.lower() in _SKIP):
        parts.append(node.text)
    for child in node:
        if isinstance(child.tag, str):
            _texts(child, parts)
        if child.tail:
            parts.append(child.tail)

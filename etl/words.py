"""The words the product says for its codes, in one place: what an ingest did with a
file, where an agency's name came from, how a cell was read, how grave an issue is.
The command line and every page show these, so a code reads the same everywhere."""

from __future__ import annotations

#: What an ingest did with each file.
STATUS_WORDS = {"loaded": "新导入", "replaced": "替换旧版本", "unchanged": "未变化", "failed": "失败"}

#: Where a report's agency name was found.
NAME_SOURCE_WORDS = {"title": "标题", "signature": "落款", "file name": "文件名", "folder": "文件夹名", "user": "用户指定"}

#: How a cell's value was read.
READ_AS_WORDS = {
    "number": "按数字读取",
    "blank": "空白（按 0）",
    "dash": "横线/斜线/无（按 0）",
    "recovered": "由勾稽关系还原",
    "confirmed by text": "与正文所述一致",
    "ocr": "文字识别",
    "unreadable": "无法确定",
    "missing": "未找到该行",
}

#: How grave an issue or a failed check is.
SEVERITY_WORDS = {"error": "错误", "warning": "提醒"}

#: Why a table of a report is incomplete.
INCOMPLETE_WORDS = {"missing_table": "找不到该表", "table_unreadable": "读不出表中的行", "table_cut_off": "表格被截断"}


#: The warehouse's and the queries' column names as every table and download heads them.
COLUMN_WORDS = {
    "agency": "机关",
    "name": "机关",
    "year": "年度",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "level": "层级",
    "kind": "类别",
    "is_government": "政府",
    "parent": "上级机关",
    "reports": "报告数",
    "agencies": "机关数",
    "template": "模板版本",
    "published": "发布日期",
    "rule": "规则",
    "subject": "对象",
    "cells": "单元格",
    "message": "说明",
    "location": "位置",
    "severity": "级别",
    "note": "原因",
    "source_path": "来源文件",
    "file": "文件",
    "reason": "原因",
    "stage": "阶段",
    "logged_at": "时间",
}


def in_words(code: object, words: dict[str, str]) -> str:
    """A code in words; a code the list does not know is shown as it is, never as blank."""
    return words.get(str(code), str(code)) if code is not None and code == code else "—"

"""The dashboard's pages, in menu order: one list that navigation, the tests and the
browser checks all read, so a page added here is everywhere at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """A page: its file under ``views/``, its title in the menu and as its heading, its icon,
    and whether it draws charts (the checks look for one)."""

    name: str
    title: str
    icon: str
    charts: bool = True

    @property
    def script(self) -> str:
        return f"views/{self.name}.py"

    @property
    def url_path(self) -> str:
        """The path ``st.navigation`` serves it at: the first page is the site's root."""
        return "" if self is PAGES[0] else self.name


PAGES = (
    PageSpec("overview", "总览", ":material/dashboard:"),
    PageSpec("review", "年报审查", ":material/rule:"),
    PageSpec("requests", "依申请公开", ":material/mail:"),
    PageSpec("outcomes", "办理结果", ":material/fact_check:"),
    PageSpec("enforcement", "主动公开与执法", ":material/gavel:"),
    PageSpec("procurement", "政府集中采购", ":material/receipt_long:"),
    PageSpec("appeals", "复议诉讼", ":material/account_balance:"),
    PageSpec("compare", "机关对比", ":material/compare_arrows:"),
    PageSpec("regions", "地区分布", ":material/map:"),
    PageSpec("agencies", "机关名录", ":material/apartment:"),
    PageSpec("explore", "数据查询与下载", ":material/download:", charts=False),
    PageSpec("quality", "数据质量", ":material/health_and_safety:", charts=False),
    PageSpec("report", "报告详情", ":material/description:", charts=False),
    PageSpec("import_reports", "导入报告", ":material/upload_file:", charts=False),
)

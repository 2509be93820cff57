"""The review's rules in plain words: the page explains them, the 问题清单 names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    explained: str


RULES = (
    Rule(
        "published_late",
        "逾期公布",
        "发布日期（网页上的发布日期，没有时取报告落款日期）晚于法定期限：县级以上人民政府部门为每年1月31日，"
        "县级以上地方人民政府为每年3月31日（《政府信息公开条例》第四十九条）。各省可规定更早的期限，期限表见 etl/data/deadlines.csv。",
    ),
    Rule(
        "published_unknown",
        "发布日期不明",
        "网页上没有发布日期，报告也没有落款日期（或日期在所报年度结束之前，显然有误），无法判断是否按时公布。",
    ),
    Rule(
        "report_missing",
        "未公布年度报告",
        "应报而没有报告的年度：名单（agencies.csv 的 reports_from、reports_to 列）列明的年度；"
        "没有名单时，从机关第一份报告的年度起到库中最近的年度止，每年都应有一份。",
    ),
    Rule(
        "old_template",
        "使用旧版格式",
        "2021 年及以后的年度报告应使用 2021 版格式（国办公开办函〔2021〕30号），不应再用 2019 版表格。",
    ),
    Rule("table_incomplete", "表格不完整", "报告缺少格式规定的表格、行或列，或表格在文件末尾被截断。"),
    Rule(
        "cells_unreadable", "数字无法辨认", "表格中有读不出确定数字的单元格（原件模糊、格式混乱或数字连在一起），需对照原件核实。"
    ),
    Rule(
        "table_sums",
        "表格数字不平衡",
        "表格自身的勾稽关系不成立，例如办理结果总计不等于各项之和、本年新收加上年结转不等于办理总计加结转下年度。",
    ),
    Rule(
        "cross_year",
        "与上年报告不衔接",
        "本年“上年结转”应等于上年报告的“结转下年度继续办理”；2021 版格式下，现行有效件数应等于上年现行有效件数加本年制发减本年废止。",
    ),
    Rule(
        "text_disagrees",
        "正文与表格不一致",
        "正文中意思明确的数字（本年新收…件、上年结转…件、予以公开…件、结转下年度…件、行政复议…件等）与表格不同。",
    ),
    Rule(
        "part_missing",
        "缺少规定部分",
        "年度报告应有六个部分：总体情况、主动公开、收到和处理申请、行政复议和诉讼、存在的主要问题及改进情况、其他需要报告的事项。",
    ),
    Rule("part_five_empty", "问题和改进情况空泛", "第五部分“存在的主要问题及改进情况”为空或只写“无”。"),
    Rule(
        "fee_not_stated",
        "未说明信息处理费",
        "2021 版格式要求在第六部分说明是否收取信息处理费（注意：表二的行政事业性收费不是信息处理费）。",
    ),
    Rule(
        "text_reused",
        "正文与上年雷同",
        "各部分正文与本机关上年报告重复的比例（数字不计）；重复很多时提请关注，可能是沿用上年报告只改了年份。",
    ),
    Rule("tables_identical", "表格与上年相同", "三张表的数字与本机关上年报告完全相同。"),
    Rule("year_jump", "数字大起大落", "主要数字比上年增长十倍以上或降到十分之一以下（且至少 50 件），提请核实，不一定是错误。"),
    Rule(
        "peer_outlier",
        "比率远离同类机关",
        "公开率、复议纠错率远高于或低于同省同层级同类别机关（超出四分位距 1.5 倍），且有足够件数，提请关注。",
    ),
    Rule(
        "aggregate_differs",
        "汇总报告与下属合计不符",
        "全市（县、区）汇总报告的数字与各下属机关报告之和不同（agencies.csv 的 parent 列列明下属机关，且各下属报告都已导入时才比较）。",
    ),
)
RULE_TITLES = {rule.code: rule.title for rule in RULES}

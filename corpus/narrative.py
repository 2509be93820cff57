"""The words around the tables of a generated report: parts 一, 五 and 六 as agencies
write them, drawn per agency and year from sentences real reports use, so that two
years of one agency differ as real ones do, and a few are last year's text with the year
changed (the annual review's copy check must find those, and only those).

Everything is decided by the agency and year alone, so every format of a report says
the same.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from corpus.layout import ReportSpec

#: Raise when the sentences change: cached renderings are keyed by it.
NARRATIVE_VERSION = "1"

INTRO = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于编制政府信息公开工作年度报告的要求，"
    "编制本报告。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
)
_OVERVIEW = (
    "坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开。",
    "调整充实政务公开工作领导小组，明确分管领导和专职工作人员。",
    "严格执行公文公开属性源头认定制度，做到应公开尽公开。",
    "围绕优化营商环境，及时发布涉企政策和办事指南。",
    "依托政府门户网站集中发布规范性文件，统一标注有效性。",
    "畅通依申请公开渠道，规范受理、登记、办理、答复各环节。",
    "加强政策解读，采用图解、视频等形式解读重要政策文件。",
    "建立政务新媒体常态化监管机制，定期开展内容检查。",
    "推进基层政务公开标准化规范化建设，更新公开事项目录。",
    "落实保密审查制度，信息发布前逐条进行保密审查。",
    "组织开展政务公开业务培训，提升工作人员业务能力。",
    "及时回应社会关切，对热点问题在第一时间作出回应。",
    "规范政府信息管理，对已公开信息进行全面清理。",
    "将政务公开工作纳入年度绩效考核，强化监督检查。",
)
_PROBLEMS = (
    "政策解读形式还不够丰富，图解、视频等解读数量偏少。",
    "部分栏目更新不够及时，个别信息发布滞后。",
    "依申请公开答复的规范性有待进一步提高。",
    "政务公开工作人员多为兼职，业务能力有待提升。",
    "主动公开的深度和广度还需拓展。",
    "政务新媒体互动回应不够及时。",
    "基层政务公开标准化建设推进不平衡。",
    "公众参与政策制定的渠道还不够多。",
)
_IMPROVEMENTS = (
    "下一步将加强培训，提高答复质量。",
    "下一步将完善信息发布审核机制，确保信息及时准确。",
    "下一步将丰富解读形式，提升政策解读质效。",
    "下一步将加强栏目日常巡查，及时更新内容。",
)
#: Shares of reports whose text is last year's (year changed), whose part 五 says only
#: 无, and (2021 template) whose part 六 is silent on 信息处理费.
COPIED_SHARE = 0.06
EMPTY_FIVE_SHARE = 0.02
NO_FEE_SHARE = 0.04


@dataclass(frozen=True)
class Narrative:
    overview: tuple[str, ...]  # part 一, paragraph by paragraph
    problems: str  # part 五
    other: str  # part 六


def _draw(agency: str, year: int, what: str) -> random.Random:
    return random.Random(hashlib.sha256(f"{agency}|{year}|{what}".encode()).digest())


def copied_from_last_year(spec: ReportSpec) -> bool:
    return _draw(spec.agency, spec.year, "copied").random() < COPIED_SHARE


def narrative(spec: ReportSpec) -> Narrative:
    written = spec.year - 1 if copied_from_last_year(spec) else spec.year
    rng = _draw(spec.agency, written, "text")
    overview = (INTRO.format(year=spec.year), "".join(rng.sample(_OVERVIEW, 3)))
    problems = "".join(rng.sample(_PROBLEMS, 2)) + rng.choice(_IMPROVEMENTS)
    if _draw(spec.agency, spec.year, "empty five").random() < EMPTY_FIVE_SHARE:
        problems = "无。"
    other = f"{spec.year}年度本机关未收取信息处理费。无其他需要报告的事项。"
    if spec.version == "2021" and _draw(spec.agency, spec.year, "no fee").random() < NO_FEE_SHARE:
        other = f"{spec.year}年度无其他需要报告的事项。"
    return Narrative(overview, problems, other)

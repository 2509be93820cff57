"""What an agency is: one identity across years, its region, level and kind.

The region comes from the places its name starts with, looked up in the gazetteer
(``etl/gazetteer.py``); the level from the most specific of them (or a 镇/乡/街道 after
it); the kind from the department words that follow. Guesses that cannot be settled
(a place name shared by several divisions, a department word not known) are marked
uncertain with the reason; an ``agencies.csv`` the user edits wins over every guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.gazetteer import Division, PlaceMatch, ancestors, child_by_short_name, find_places, place_by_short_name

#: Department kinds and the words that name them (full names first, then short forms).
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("审计", ("审计",)),
    ("公安", ("公安",)),
    ("自然资源", ("自然资源", "国土资源", "国土")),
    ("生态环境", ("生态环境", "环境保护", "环保")),
    ("市场监督管理", ("市场监督管理", "市场监管", "工商行政管理", "质量技术监督", "食品药品监督管理")),
    ("教育", ("教育", "教体")),
    ("人力资源和社会保障", ("人力资源和社会保障", "人力资源社会保障", "人社")),
    ("财政", ("财政",)),
    ("税务", ("税务",)),
    ("住房和城乡建设", ("住房和城乡建设", "住房城乡建设", "住建", "城乡建设")),
    ("交通运输", ("交通运输", "交通")),
    ("农业农村", ("农业农村", "农业")),
    ("水利", ("水利", "水务")),
    ("卫生健康", ("卫生健康", "卫生和计划生育", "卫健", "卫生")),
    ("民政", ("民政",)),
    ("司法", ("司法",)),
    ("商务", ("商务",)),
    ("文化和旅游", ("文化和旅游", "文化广电和旅游", "文化旅游", "文旅")),
    ("应急管理", ("应急管理", "安全生产监督管理")),
    ("统计", ("统计",)),
    ("发展和改革", ("发展和改革", "发展改革", "发改")),
    ("工业和信息化", ("工业和信息化", "经济和信息化", "工信", "经信")),
    ("科学技术", ("科学技术", "科技")),
    ("退役军人事务", ("退役军人事务",)),
    ("医疗保障", ("医疗保障", "医保")),
    ("林业", ("林业和草原", "林业")),
    ("城市管理", ("城市管理", "城管", "综合行政执法")),
    ("体育", ("体育",)),
    ("信访", ("信访",)),
    ("档案", ("档案",)),
    ("机关事务", ("机关事务",)),
    ("政务服务和数据", ("政务服务", "行政审批", "大数据", "数据局")),
    ("人民防空", ("人民防空", "人防")),
    ("粮食和物资储备", ("粮食和物资储备", "粮食")),
    ("气象", ("气象",)),
    ("海关", ("海关",)),
    ("金融监管", ("金融监督管理", "金融监管", "银保监", "地方金融")),
    ("人民银行", ("人民银行",)),
    ("外事", ("外事",)),
    ("民族宗教", ("民族宗教", "民族和宗教", "民宗")),
    ("乡村振兴", ("乡村振兴", "扶贫")),
    ("住房公积金", ("住房公积金",)),
    ("国有资产监督管理", ("国有资产监督管理", "国资")),
    ("侨务", ("侨务", "归国华侨")),
    ("港澳台事务", ("港澳事务", "台湾事务", "台办")),
)

#: What is left of a government's name once its place is taken off.
_GOVERNMENT_REST = re.compile(
    r"^(?:人民政府|政府)?(?:办公厅|办公室)?$|^(?:人民政府|政府)$|^(?:管委会|管理委员会|街道办事处|办事处)$"
)
#: Bodies of the central government or a vertically managed system, named before the place.
_SYSTEM_PREFIX = re.compile(r"^(?:国家税务总局|国家金融监督管理总局|中国人民银行|国家统计局|中华人民共和国)")
_CENTRAL = re.compile(r"^(?:国务院|国家|中国|中华人民共和国|最高人民)")
_BRANCH = re.compile(r"(?:局|委员会)(?P<short>[\u4e00-\u9fff]{2,4}?)分局$")
_TOWN = re.compile(r"^(?P<town>[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道))(?=人民政府|政府|办事处|街道办|$)")
_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,14}?(?P<suffix>自治区|省|自治州|市|地区|盟|自治县|县|区|旗)")
_SUFFIX_LEVEL = {"省": "省", "自治区": "省", "市": "市", "自治州": "市", "地区": "市", "盟": "市"} | dict.fromkeys(
    ("县", "自治县", "区", "旗"), "县"
)

#: The fields of ``etl agencies --json``, in order (a published contract).
JSON_FIELDS = ("name", "province", "city", "county", "level", "kind", "is_government", "uncertain")


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None  # 省 / 市 / 县 / 乡镇; None for central bodies and unknown places
    kind: str | None
    is_government: bool
    uncertain: bool
    division_code: str | None = None
    parent: str | None = None
    note: str = ""  # why it is uncertain, in words the user can act on


def normalise_name(name: str) -> str:
    """One spelling per agency: no spaces or quotes, full-width brackets, no 关于… title words."""
    name = re.sub(r"[\s\u3000\u00a0]+", "", name)
    name = name.replace("(", "（").replace(")", "）").strip("《》“”\"'")
    return re.sub(r"^关于", "", name)


def agency_key(name: str) -> str:
    """The identity of an agency across years and spellings.

    The place is replaced by its division code, so 湖南省株洲市审计局 and 株洲市审计局 are
    one agency; 办公厅 and 办公室, 政府 and 人民政府 are one spelling. A place that fits
    several divisions leaves the name as it is.
    """
    name = re.sub(r"(?<!人民)政府(?=办公室$|$)", "人民政府", re.sub(r"办公厅$", "办公室", normalise_name(name)))
    prefix, rest, places = _split(name)
    if places is None or len(places.candidates) != 1:
        return name
    body = rest[: places.start] + rest[places.end :]
    if body in ("", "管委会", "管理委员会"):  # 长沙市 in a title, 平潭综合实验区管委会: the government
        body = "人民政府"
    return f"{places.candidates[0].code}:{prefix}{body}"


def _split(name: str) -> tuple[str, str, PlaceMatch | None]:
    """A vertically managed system's prefix, the rest of the name, and its places."""
    prefix = m.group(0) if (m := _SYSTEM_PREFIX.match(name)) else ""
    rest = name[len(prefix) :]
    return prefix, rest, find_places(rest)


def infer(name: str) -> AgencyInfo:
    """Region, level and kind from the name alone."""
    name = normalise_name(name)
    prefix, rest, places = _split(name)
    notes = []
    unknown_place = _PLACE_SUFFIX.match(rest) if places is None else None
    if places is None:
        province = city = county = code = None
        level = _SUFFIX_LEVEL[unknown_place.group("suffix")] if unknown_place else None
        near = place_by_short_name(unknown_place.group(0)) if unknown_place else None
        if near is not None:
            region = _region((near,))
            province, city = region.province, region.city
        body = rest[unknown_place.end() :] if unknown_place else rest
        by_short_name = None if unknown_place else place_by_short_name(rest)
        if unknown_place:
            notes.append(f"“{unknown_place.group(0)}”不在行政区划表中")
        elif by_short_name is not None:  # 国家统计局株洲调查队, 长沙海关
            region = _region((by_short_name,))
            province, city, level = region.province, region.city, region.level
            notes.append(f"地区按简称推断为{by_short_name.name}")
        elif not _CENTRAL.match(name):
            notes.append("名称中没有找到可识别的行政区划")
    else:
        region = _region(places.candidates)
        province, city, county, level, code = region.province, region.city, region.county, region.level, region.code
        body = rest[places.end :]
        if len(places.candidates) > 1:
            where = "、".join("".join(d.name for d in ancestors(c)) for c in places.candidates)
            notes.append(f"“{rest[places.start : places.end]}”有{len(places.candidates)}处同名：{where}")
        if places.start > 0:
            notes.append(f"名称不以地名开头（“{rest[: places.start]}”）")
    branch = _BRANCH.search(body) if places and len(places.candidates) == 1 else None
    district = child_by_short_name(places.candidates, branch.group("short")) if places and branch else None
    if district is not None:  # 北京市公安局西城分局: the branch of a district
        region = _region((district,))
        province, city, county, level, code = region.province, region.city, region.county, region.level, region.code
    town = _TOWN.match(body)
    if town:
        level, body = "乡镇", body[town.end() :]
    is_government = bool((places or town or unknown_place) and _GOVERNMENT_REST.match(body))
    kind = "政府" if is_government else _kind(body) or _kind(prefix)
    if kind is None:
        notes.append("未能从名称判断机关类别")
    return AgencyInfo(name, province, city, county, level, kind, is_government, bool(notes), code, None, "；".join(notes))


@dataclass(frozen=True)
class Region:
    """Where an agency is, as far as every division its name could mean agrees."""

    province: str | None
    city: str | None
    county: str | None
    level: str | None
    code: str | None  # the division code, when the name means one division only


def _region(candidates: tuple[Division, ...]) -> Region:
    """Province, city, county, level and code; only what every candidate agrees on."""
    chains = [ancestors(c) for c in candidates]

    def common(level: str) -> str | None:
        names = {next((d.name for d in chain if d.level == level), None) for chain in chains}
        return names.pop() if len(names) == 1 else None

    levels = {c.level for c in candidates}
    level = levels.pop() if len(levels) == 1 else None
    code = candidates[0].code if len(candidates) == 1 else None
    return Region(common("省"), common("市"), common("县"), level, code)


def _kind(body: str) -> str | None:
    body = re.sub(r"^(?:人民政府|政府)", "", body)  # 人民政府 holds 民政: 人民政府国资委 is not 民政
    best: tuple[int, str] | None = None
    for kind, words in KIND_WORDS:
        for word in words:
            at = body.find(word)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, kind)
    return best[1] if best else None

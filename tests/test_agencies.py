import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl.agencies import infer, load_overrides, normalise_name
from etl.ingest import ingest
from tests.conftest import PINGTAN, ROOT, ZHUZHOU


@pytest.mark.parametrize(
    ("name", "province", "city", "county", "level", "kind", "government"),
    [
        ("湖南省教育厅", "湖南省", None, None, "省", "教育", False),
        ("攸县人民政府", None, None, "攸县", "县", "政府", True),
        ("长沙市芙蓉区市场监督管理局", None, "长沙市", "芙蓉区", "县", "市场监督管理", False),
        ("上海市人民政府办公厅", "上海市", None, None, "省", "政府", True),
        ("国家税务总局株洲市税务局", None, "株洲市", None, "市", "税务", False),
        ("平潭综合实验区", None, None, "平潭综合实验区", "县", "政府", True),
    ],
)
def test_inference_from_the_name(
    name: str, province: str | None, city: str | None, county: str | None, level: str, kind: str, government: bool
) -> None:
    info = infer(name)
    assert (info.province, info.city, info.county, info.level, info.kind, info.is_government) == (
        province,
        city,
        county,
        level,
        kind,
        government,
    )


def test_a_city_name_alone_cannot_tell_county_level_cities_and_says_so() -> None:
    assert infer("醴陵市公安局").uncertain and infer("株洲市审计局").uncertain
    assert not infer("湖南省教育厅").uncertain


def test_names_are_normalised() -> None:
    assert normalise_name(" 株洲市 审计局\u3000") == "株洲市审计局"
    assert normalise_name("关于株洲市(审计)局") == "株洲市（审计）局"


def test_overrides_win_and_aliases_map(tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text(
        "name,aliases,province,city,county,level,kind,is_government\n醴陵市公安局,醴陵公安局,湖南省,株洲市,醴陵市,县,公安,false\n",
        "utf-8-sig",
    )
    overrides = load_overrides(csv_path)
    assert overrides["醴陵公安局"].level == "县" and overrides["醴陵市公安局"].county == "醴陵市"


def test_agencies_command_lists_inferred_and_overridden(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest([ZHUZHOU, PINGTAN], db, agencies_csv=ROOT / "data" / "agencies.csv")
    result = subprocess.run(
        [sys.executable, "-m", "etl", "agencies", "--db", str(db), "--json"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    listed = {item["name"]: item for item in json.loads(result.stdout)}
    assert listed["株洲市审计局"] == {
        "name": "株洲市审计局",
        "province": "湖南省",
        "city": "株洲市",
        "county": None,
        "level": "市",
        "kind": "审计",
        "is_government": False,
        "uncertain": False,
    }
    assert listed["平潭综合实验区"]["province"] == "福建省" and listed["平潭综合实验区"]["is_government"] is True

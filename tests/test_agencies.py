import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.agencies import all_agencies
from etl.agencies_csv import canonical_names, load_overrides
from etl.agency_inference import agency_key, infer, normalise_name
from etl.gazetteer import divisions, find_places
from etl.ingest import ingest
from etl.parse import parse_file
from tests.helpers import PINGTAN, ROOT, SAMPLES, ZHUZHOU

PLACED = [
    # name, province, city, county, level, kind, is_government
    ("湖南省教育厅", "湖南省", None, None, "省", "教育", False),
    ("攸县人民政府", "湖南省", "株洲市", "攸县", "县", "政府", True),
    ("长沙市芙蓉区市场监督管理局", "湖南省", "长沙市", "芙蓉区", "县", "市场监督管理", False),
    ("上海市人民政府办公厅", "上海市", None, None, "省", "政府", True),
    ("上海市浦东新区人民政府", "上海市", None, "浦东新区", "县", "政府", True),
    ("重庆市渝中区人民政府", "重庆市", None, "渝中区", "县", "政府", True),
    ("北京市西城区教育委员会", "北京市", None, "西城区", "县", "教育", False),
    ("国家税务总局株洲市税务局", "湖南省", "株洲市", None, "市", "税务", False),
    ("国家税务总局湖南省税务局", "湖南省", None, None, "省", "税务", False),
    ("平潭综合实验区", "福建省", "福州市", "平潭县", "县", "政府", True),
    ("平潭综合实验区管委会", "福建省", "福州市", "平潭县", "县", "政府", True),
    ("醴陵市公安局", "湖南省", "株洲市", "醴陵市", "县", "公安", False),
    ("株洲市审计局", "湖南省", "株洲市", None, "市", "审计", False),
    ("湖南省株洲市审计局", "湖南省", "株洲市", None, "市", "审计", False),
    ("吉林省吉林市人民政府", "吉林省", "吉林市", None, "市", "政府", True),
    ("湖北省仙桃市人民政府", "湖北省", None, "仙桃市", "县", "政府", True),
    ("和县人民政府", "安徽省", "马鞍山市", "和县", "县", "政府", True),
    ("攸县城关镇人民政府", "湖南省", "株洲市", "攸县", "乡镇", "政府", True),
    ("长沙市天心区坡子街街道办事处", "湖南省", "长沙市", "天心区", "乡镇", "政府", True),
    ("株洲市住房和城乡建设局", "湖南省", "株洲市", None, "市", "住房和城乡建设", False),
    ("株洲市人社局", "湖南省", "株洲市", None, "市", "人力资源和社会保障", False),
    ("福州市鼓楼区人民政府", "福建省", "福州市", "鼓楼区", "县", "政府", True),
    ("南京市鼓楼区人民政府", "江苏省", "南京市", "鼓楼区", "县", "政府", True),
    ("淮安市人民政府", "江苏省", "淮安市", None, "市", "政府", True),
    ("淮安市淮安区人民政府", "江苏省", "淮安市", "淮安区", "县", "政府", True),
    ("株洲市人民政府国有资产监督管理委员会", "湖南省", "株洲市", None, "市", "国有资产监督管理", False),
    ("株洲市民政局", "湖南省", "株洲市", None, "市", "民政", False),
    ("重庆两江新区管理委员会", "重庆市", None, "两江新区", "县", "政府", True),
    ("湖南株洲市审计局", "湖南省", "株洲市", None, "市", "审计", False),
    ("北京市公安局", "北京市", None, None, "省", "公安", False),
    ("北京市公安局西城分局", "北京市", None, "西城区", "县", "公安", False),
    ("中国人民银行株洲市中心支行", "湖南省", "株洲市", None, "市", "人民银行", False),
    ("延边朝鲜族自治州人民政府", "吉林省", "延边朝鲜族自治州", None, "市", "政府", True),
    ("新疆维吾尔自治区教育厅", "新疆维吾尔自治区", None, None, "省", "教育", False),
    ("株洲市芦淞区建设街道办事处", "湖南省", "株洲市", "芦淞区", "乡镇", "政府", True),
]


@pytest.mark.parametrize(("name", "province", "city", "county", "level", "kind", "government"), PLACED)
def test_region_level_and_kind_from_the_name(
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
    assert not info.uncertain, info.note


def test_a_place_name_shared_by_several_divisions_is_uncertain_and_says_where() -> None:
    info = infer("鼓楼区人民政府")
    assert info.uncertain and (info.province, info.city, info.county, info.level) == (None, None, "鼓楼区", "县")
    assert "4处同名" in info.note and "福建省福州市鼓楼区" in info.note and "江苏省南京市鼓楼区" in info.note


@pytest.mark.parametrize(
    ("name", "reason"),
    [("测试市", "行政区划"), ("某某单位", "行政区划"), ("城关镇人民政府", "行政区划"), ("株洲市某某中心", "类别")],
)
def test_what_cannot_be_placed_or_classed_is_uncertain_with_the_reason(name: str, reason: str) -> None:
    info = infer(name)
    assert info.uncertain and reason in info.note


def test_a_zone_that_is_not_a_division_is_placed_by_its_citys_short_name_and_marked_uncertain() -> None:
    info = infer("株洲高新技术产业开发区管委会")
    assert (info.province, info.city, info.level, info.is_government, info.uncertain) == ("湖南省", "株洲市", "县", True, True)
    assert "不在行政区划表中" in info.note


@pytest.mark.parametrize(
    ("name", "province", "city", "level", "kind"),
    [("国家统计局株洲调查队", "湖南省", "株洲市", "市", "统计"), ("长沙海关", "湖南省", "长沙市", "市", "海关")],
)
def test_a_place_given_by_its_short_name_is_a_guess_marked_uncertain(
    name: str, province: str, city: str, level: str, kind: str
) -> None:
    info = infer(name)
    assert (info.province, info.city, info.level, info.kind, info.uncertain) == (province, city, level, kind, True)
    assert "简称" in info.note


def test_central_bodies_have_no_place_and_are_not_uncertain_about_it() -> None:
    info = infer("国家统计局")
    assert (info.province, info.level, info.kind, info.uncertain) == (None, None, "统计", False)


@pytest.mark.parametrize(
    "spellings",
    [
        ("株洲市审计局", "株洲市审计局 ", " 株洲市 审计局\u3000", "湖南省株洲市审计局", "关于株洲市审计局", "《株洲市审计局》"),
        ("上海市人民政府办公厅", "上海市人民政府办公室", "上海市政府办公厅"),
        ("长沙市人民政府", "长沙市政府", "长沙市", "湖南省长沙市人民政府"),
        ("平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区管理委员会"),
        ("国家税务总局株洲市税务局", "国家税务总局湖南省株洲市税务局"),
        ("株洲市发展(改革)委员会", "株洲市发展（改革）委员会"),
    ],
)
def test_spellings_of_one_agency_share_one_identity(spellings: tuple[str, ...]) -> None:
    assert len({agency_key(name) for name in spellings}) == 1, [agency_key(name) for name in spellings]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("株洲市审计局", "株洲市公安局"),
        ("株洲市审计局", "湘潭市审计局"),
        ("福州市鼓楼区人民政府", "南京市鼓楼区人民政府"),
        ("株洲市人民政府", "株洲市人民政府办公室"),
        ("湖南省人民政府", "株洲市人民政府"),
        ("醴陵市人民政府", "株洲市人民政府"),
    ],
)
def test_different_agencies_keep_different_identities(one: str, other: str) -> None:
    assert agency_key(one) != agency_key(other)


def test_names_are_normalised() -> None:
    assert normalise_name(" 株洲市 审计局\u3000") == "株洲市审计局"
    assert normalise_name("关于株洲市(审计)局") == "株洲市（审计）局"


def test_the_gazetteer_is_whole_and_consistent() -> None:
    table = divisions()
    levels = [d.level for d in table.values()]
    assert levels.count("省") == 34 and 330 <= levels.count("市") <= 340 and 2800 <= levels.count("县") <= 2900
    assert all(d.parent in table for d in table.values() if d.parent)
    assert table["110101"].parent == "110000"  # 直辖市 districts hang from the province
    assert table["429004"].parent == "420000"  # 仙桃市: administered by the province
    assert find_places("株洲市审计局").candidates == (table["430200"],)  # type: ignore[union-attr]


def test_every_demo_agency_is_placed_exactly_as_generated() -> None:
    wrong = []
    for agency in all_agencies():
        info = infer(agency.name)
        got = (info.province, info.city, info.county, info.level, info.kind, info.uncertain)
        if got != (agency.province, agency.city, agency.county, agency.level, agency.kind, False):
            wrong.append((agency.name, got))
    assert not wrong


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("zhuzhou-audit-2019.txt", ("株洲市审计局", "湖南省", "株洲市", None, "市", "审计", False)),
        ("pingtan-2021.txt", ("平潭综合实验区", "福建省", "福州市", "平潭县", "县", "政府", True)),
        ("huaian-gov-2024.pdf", ("淮安市人民政府", "江苏省", "淮安市", None, "市", "政府", True)),
    ],
)
def test_the_real_samples_agencies_are_placed_without_help(sample: str, expected: tuple[object, ...]) -> None:
    report = parse_file(SAMPLES / sample)
    assert report.agency is not None
    info = infer(report.agency)
    assert (info.name, info.province, info.city, info.county, info.level, info.kind, info.is_government) == expected


def test_overrides_win_and_aliases_map(tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text(
        "name,aliases,province,city,county,level,kind,is_government,parent\n"
        "醴陵市公安局,醴陵公安局;醴陵市公安分局,湖南省,株洲市,醴陵市,县,公安,false,醴陵市人民政府\n",
        "utf-8-sig",
    )
    overrides = load_overrides(csv_path)
    assert overrides["醴陵公安局"].level == "县" and overrides["醴陵市公安局"].parent == "醴陵市人民政府"
    assert canonical_names(overrides) == {"醴陵公安局": "醴陵市公安局", "醴陵市公安分局": "醴陵市公安局"}


def test_an_agencies_csv_saved_by_excel_in_gbk_is_read(tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_bytes("name,province,level\n株洲市审计局,湖南省,市\n".encode("gb18030"))
    assert load_overrides(csv_path)["株洲市审计局"].province == "湖南省"


def test_a_bad_agencies_csv_is_refused_with_the_line(tmp_path: Path) -> None:
    csv_path = tmp_path / "agencies.csv"
    csv_path.write_text("name,level\n株洲市审计局,地级\n", "utf-8")
    with pytest.raises(ValueError, match="第 2 行"):
        load_overrides(csv_path)
    csv_path.write_text("机关,级别\n株洲市审计局,市\n", "utf-8")
    with pytest.raises(ValueError, match="缺少 name 列"):
        load_overrides(csv_path)


def _agencies_json(db: Path, *extra: str) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "etl", "agencies", "--db", str(db), "--json", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {item["name"]: item for item in json.loads(result.stdout)}


def test_agencies_command_lists_in_the_promised_shape(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest([ZHUZHOU, PINGTAN], db)
    listed = _agencies_json(db)
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
    assert listed["平潭综合实验区"]["county"] == "平潭县" and listed["平潭综合实验区"]["is_government"] is True


def test_agencies_csv_out_lists_the_uncertain_for_correction_and_reads_back(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    folder = tmp_path / "南京市鼓楼区"
    folder.mkdir()
    report = ZHUZHOU.read_text("utf-8").replace("株洲市审计局", "鼓楼区审计局")
    (folder / "gulou.txt").write_text(report, "utf-8")
    ingest([ZHUZHOU, folder / "gulou.txt"], db)
    out = tmp_path / "to-fix.csv"
    result = subprocess.run(
        [sys.executable, "-m", "etl", "agencies", "--db", str(db), "--uncertain", "--csv", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [row["name"] for row in rows] == ["鼓楼区审计局"] and "4处同名" in rows[0]["note"]
    rows[0].update(province="江苏省", city="南京市", county="鼓楼区", level="县")
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    ingest([ZHUZHOU], db, agencies_csv=out)
    fixed = _agencies_json(db)["鼓楼区审计局"]
    assert (fixed["province"], fixed["city"], fixed["uncertain"]) == ("江苏省", "南京市", False)

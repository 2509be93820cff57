"""Uploads land inside their folder and within their limits, whatever the zip says."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from etl.uploads import UploadError, UploadLimits, save_upload
from tests.helpers import ZHUZHOU

SMALL = UploadLimits(file_bytes=2**20, total_bytes=3 * 2**20, members=50, ratio=200.0)


def _zip(members: list[tuple[str, bytes]], mode: int | None = None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            if mode is not None:
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _everything_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    "name",
    ["/tmp/evil-absolute.txt", "../escape.txt", "a/../../escape.txt", "C:/windows/evil.txt", "c:evil.txt", "..\\..\\evil.txt"],
)
def test_a_member_whose_path_leaves_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    uploads = tmp_path / "uploads"
    result = save_upload("a.zip", _zip([(name, b"x"), ("ok/report.txt", b"x")]), uploads, SMALL)
    assert [p.name for p in result.saved] == ["report.txt"]
    assert [member for member, _ in result.refused] == [name]
    assert all(path.is_relative_to(uploads) for path in _everything_under(tmp_path))
    assert not Path("/tmp/evil-absolute.txt").exists()


@pytest.mark.parametrize(
    ("mode", "word"), [(stat.S_IFLNK | 0o777, "符号链接"), (stat.S_IFCHR | 0o600, "设备"), (stat.S_IFIFO | 0o600, "管道")]
)
def test_links_and_device_files_are_refused(tmp_path: Path, mode: int, word: str) -> None:
    result = save_upload("a.zip", _zip([("link.txt", b"/etc/passwd")], mode=mode), tmp_path, SMALL)
    assert result.saved == [] and word in result.refused[0][1]


def test_a_zip_bomb_is_refused_by_its_ratio_before_inflating(tmp_path: Path) -> None:
    bomb = _zip([("bomb.txt", b"0" * (40 * 2**20))])  # 40 MB of zeros in about 40 KB
    assert len(bomb) < 2**20
    result = save_upload("bomb.zip", bomb, tmp_path, SMALL)
    assert result.saved == [] and "压缩比" in result.refused[0][1]
    assert sum(path.stat().st_size for path in _everything_under(tmp_path)) < 2**20


def test_bytes_are_counted_as_written_not_taken_from_the_header(tmp_path: Path) -> None:
    data = _zip([("big.txt", b"1" * (2 * 2**20))], compression=zipfile.ZIP_STORED)
    forged = data.replace((2 * 2**20).to_bytes(4, "little"), (100).to_bytes(4, "little"))  # declares 100 bytes
    result = save_upload("forged.zip", forged, tmp_path, UploadLimits(file_bytes=3 * 2**20, total_bytes=2**20, ratio=1e9))
    assert result.saved == [] and result.refused
    assert sum(path.stat().st_size for path in _everything_under(tmp_path)) <= 2**20


def test_the_total_and_the_member_count_are_capped(tmp_path: Path) -> None:
    members = [(f"r{i}.txt", bytes([65 + i % 26]) * (900 * 2**10)) for i in range(6)]
    capped = UploadLimits(file_bytes=6 * 2**20, total_bytes=3 * 2**20)
    result = save_upload("many.zip", _zip(members, compression=zipfile.ZIP_STORED), tmp_path, capped)
    assert len(result.saved) == 3 and "总量" in result.refused[-1][1]
    many = [(f"r{i}.txt", b"x") for i in range(60)]
    result = save_upload("count.zip", _zip(many), tmp_path / "b", SMALL)
    assert len(result.saved) == 50 and "超过 50 个" in result.refused[-1][1]


def test_a_file_over_the_limit_and_a_broken_zip_are_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="超过上限"):
        save_upload("big.txt", b"x" * (2 * 2**20), tmp_path, SMALL)
    with pytest.raises(UploadError, match="已损坏"):
        save_upload("broken.zip", b"PK\x03\x04 not really", tmp_path, SMALL)


def test_a_plain_upload_keeps_its_name_and_a_zip_its_folders(tmp_path: Path) -> None:
    data = ZHUZHOU.read_bytes()
    (saved,) = save_upload("株洲市审计局.txt", data, tmp_path, SMALL).saved
    assert saved.name == "株洲市审计局.txt" and saved.read_bytes() == data
    result = save_upload("a.zip", _zip([("株洲市审计局/2019.txt", data), ("readme.exe", b"MZ")]), tmp_path, SMALL)
    assert [p.relative_to(p.parents[1]).as_posix() for p in result.saved] == ["株洲市审计局/2019.txt"]
    assert result.refused[0][0] == "readme.exe" and "格式" in result.refused[0][1]


def test_a_zip_of_page_images_is_kept_whole_as_one_report(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    result = save_upload("扫描件.zip", _zip([("p1.png", png), ("p2.png", png)]), tmp_path, SMALL)
    (saved,) = result.saved
    assert saved.name == "扫描件.zip" and zipfile.is_zipfile(saved) and _everything_under(tmp_path) == {saved}

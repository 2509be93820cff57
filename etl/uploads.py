"""Take an uploaded file or zip onto disk safely: nothing lands outside its folder, and
nothing grows past the limits however the archive is made.

A zip's member names, declared sizes and modes are the uploader's to choose. So each
member's path must resolve inside the upload folder (absolute paths, drive letters,
backslashes, ``..``, links and device files are refused by name), and the bytes are
counted as they are written, not taken from the header: a member or the whole archive
stops at its cap, and a compression ratio no report has is refused before inflating.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from etl.ingest import SUPPORTED_SUFFIXES
from etl.readers.pages import is_page_images_zip

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


class UploadError(Exception):
    """The upload as a whole cannot be taken (a broken archive, a file over the limit)."""


@dataclass(frozen=True)
class UploadLimits:
    """Caps for one upload: a file (or a zip member) unpacked, everything one zip unpacks
    to, how many members a zip may have, and the highest compression ratio believed."""

    file_bytes: int = 50 * 2**20
    total_bytes: int = 500 * 2**20
    members: int = 5_000
    ratio: float = 200.0

    @classmethod
    def from_megabytes(cls, megabytes: int) -> UploadLimits:
        return cls(file_bytes=megabytes * 2**20, total_bytes=10 * megabytes * 2**20)


@dataclass
class Unpacked:
    saved: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name in the upload, why, in words)


def save_upload(name: str, data: bytes, uploads: Path, limits: UploadLimits) -> Unpacked:
    """Keep an upload under its content hash (its source stays traceable); a zip is
    unpacked there with its folders, since a folder may name the agency, unless it holds
    only page images: those are the pages of one report, read together."""
    if len(data) > limits.file_bytes:
        raise UploadError(f"{name}：文件大小 {len(data) / 2**20:.1f} MB，超过上限 {limits.file_bytes // 2**20} MB")
    folder = uploads / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    if not name.lower().endswith(".zip") or is_page_images_zip(data):  # a zip of page images is one report
        target = folder / (_safe_name(PurePosixPath(name.replace("\\", "/")).name) or "upload")
        target.write_bytes(data)
        return Unpacked([target])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UploadError(f"{name}：压缩包已损坏，无法解压") from error
    with archive:
        return _unpack(archive, folder, limits)


def _unpack(archive: zipfile.ZipFile, folder: Path, limits: UploadLimits) -> Unpacked:
    result = Unpacked()
    root = folder.resolve()
    written = 0
    for index, member in enumerate(archive.infolist()):
        if index >= limits.members:
            result.refused.append((member.filename, f"压缩包中的文件超过 {limits.members} 个，其余未解压"))
            break
        if member.is_dir():
            continue
        reason = _refusal(member, root, limits)
        if reason:
            result.refused.append((member.filename, reason))
            continue
        target = root.joinpath(*PurePosixPath(member.filename).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        budget = min(limits.file_bytes, limits.total_bytes - written)
        try:
            size = _copy(archive, member, target, budget)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError):
            target.unlink(missing_ok=True)
            result.refused.append((member.filename, "无法解压（已损坏、加密或压缩方式不受支持）"))
            continue
        if size is None:
            target.unlink(missing_ok=True)
            if budget < limits.file_bytes:
                result.refused.append((member.filename, f"解压后总量超过上限 {limits.total_bytes // 2**20} MB，其余未解压"))
                break
            result.refused.append((member.filename, f"解压后超过单个文件上限 {limits.file_bytes // 2**20} MB"))
            continue
        written += size
        result.saved.append(target)
    return result


def _refusal(member: zipfile.ZipInfo, root: Path, limits: UploadLimits) -> str:
    """Why a member is not unpacked, or '' when it may be."""
    name = member.filename
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "是符号链接，不解压"
    if mode and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return "是设备或管道文件，不解压"
    if "\\" in name or _DRIVE.match(name) or name.startswith("/"):
        return "路径是绝对路径或含反斜杠，不解压"
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") for part in parts) or any(_safe_name(part) != part for part in parts):
        return "路径含有“..”或非法字符，不解压"
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        return "路径指向上传目录之外，不解压"
    if PurePosixPath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        return "不是支持的报告格式（txt、html、docx、pdf、md、图片）"
    if member.compress_size and member.file_size / member.compress_size > limits.ratio:
        return f"压缩比 {member.file_size / member.compress_size:.0f}:1 异常（可能是压缩炸弹），不解压"
    return ""


def _copy(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int | None:
    """Stream a member to disk counting the bytes really inflated; None past ``budget``."""
    size = 0
    with archive.open(member) as source, target.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                return None
            sink.write(chunk)
    return size


def _safe_name(part: str) -> str:
    """A path part without control characters or NULs (names the file system may misread)."""
    return "".join(char for char in part if char.isprintable() and char not in "\0")

"""Safe extraction of tar and zip archives: every member checked before anything is written (no absolute
paths, no `..`, no devices, links that stay inside), links written last, and limits against archive bombs."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from paritydocs.errors import SourceError
from paritydocs.sources.trees import inside_of
from paritydocs.textsafe import one_line

__all__ = ["MAX_ARCHIVE_BYTES", "MAX_ARCHIVE_MEMBERS", "extract_tar", "extract_zip"]

# --------------------------------------------------------------------------- archives


@dataclass(slots=True)
class _Member:
    """An archive member as the shared safety filter sees it, whatever the archive format."""

    name: str
    kind: str
    """`file`, `dir`, `symlink`, `hardlink` or `special` (devices, fifos, anything else)."""
    link: str | None = None
    source: Any = None
    """The format's own record (TarInfo, ZipInfo)."""
    path: PurePosixPath = field(default_factory=PurePosixPath)
    link_path: PurePosixPath | None = None


_UNSAFE_FIX = "the archive is unsafe; refusing to extract it"


def _escapes(spec: str, name: str) -> SourceError:
    return SourceError(spec, f"archive member '{one_line(name)}' escapes the tree", _UNSAFE_FIX)


def _relative_path(spec: str, name: str, *, member: str) -> PurePosixPath:
    """`name` as a relative path with no `..`; refuses absolute paths (POSIX, Windows, UNC)."""
    if not name or "\x00" in name:
        raise _escapes(spec, member)
    unixy = name.replace("\\", "/")
    if unixy.startswith("/") or re.match(r"[A-Za-z]:", unixy):
        raise _escapes(spec, member)
    parts = [part for part in unixy.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise _escapes(spec, member)
    return PurePosixPath(*parts)


def _plan(spec: str, members: list[_Member], *, strip_top: bool) -> list[_Member]:
    """Check every member before anything is written; the order to extract in (links last)."""
    for member in members:
        if member.kind == "special":
            raise SourceError(spec, f"archive member '{one_line(member.name)}' is a device or fifo", _UNSAFE_FIX)
        member.path = _relative_path(spec, member.name, member=member.name)
        if member.kind == "hardlink":
            member.link_path = _relative_path(spec, member.link or "", member=member.name)

    if strip_top:
        tops = {m.path.parts[0] for m in members if m.path.parts}
        single_dir = len(tops) == 1 and all(len(m.path.parts) > 1 or m.kind == "dir" for m in members if m.path.parts)
        if single_dir:
            for member in members:
                member.path = PurePosixPath(*member.path.parts[1:])
                if member.link_path is not None:
                    if len(member.link_path.parts) < 2:
                        raise _escapes(spec, member.name)
                    member.link_path = PurePosixPath(*member.link_path.parts[1:])

    files = {m.path for m in members if m.kind == "file" and m.path.parts}
    for member in members:
        if member.kind == "hardlink" and member.link_path not in files:
            raise _escapes(spec, member.name)
        if member.kind == "symlink":
            target = (member.link or "").replace("\\", "/")
            if not target or target.startswith("/") or re.match(r"[A-Za-z]:", target):
                raise _escapes(spec, member.name)
            joined = posixpath.normpath(posixpath.join(str(member.path.parent), target))
            if joined == ".." or joined.startswith("../") or not member.path.parts:
                raise _escapes(spec, member.name)

    order = {"dir": 0, "file": 0, "hardlink": 1, "symlink": 2}
    kept = [m for m in members if m.path.parts]
    # Links last: no file is ever written through a link the archive made.
    return sorted(kept, key=lambda m: order[m.kind])


def _verify_links(spec: str, tree: Path) -> None:
    """After extraction: every symlink, followed through any chain, must stay inside `tree`."""
    top = os.path.realpath(tree)
    for dirpath, dirnames, filenames in os.walk(tree):
        for entry in (*dirnames, *filenames):
            full = os.path.join(dirpath, entry)
            if os.path.islink(full):
                real = os.path.realpath(full)
                if not inside_of(real, top):
                    raise _escapes(spec, os.path.relpath(full, tree).replace(os.sep, "/"))


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.isdir():
        return "dir"
    if info.isfile():
        return "file"
    if info.issym():
        return "symlink"
    if info.islnk():
        return "hardlink"
    return "special"


_HAS_TAR_FILTERS = hasattr(tarfile, "data_filter")  # Python 3.11.4 and later
_TAR_FILTER_ERRORS: tuple[type[Exception], ...] = (tarfile.FilterError,) if _HAS_TAR_FILTERS else ()


def _tar_filter(info: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's own `data` filter on top of ours, keeping what we extract owner-writable."""
    checked = tarfile.data_filter(info, dest)
    if checked is None:
        return None
    wanted = 0o700 if checked.isdir() else 0o600
    mode = checked.mode
    if mode is not None and (mode & wanted) != wanted:
        checked = checked.replace(mode=mode | wanted, deep=False)
    return checked


# an SDK is megabytes: far more than this is an archive bomb (the sizes are the members' declared ones, which
# tarfile and zipfile hold the extraction to)
MAX_ARCHIVE_BYTES = 2 << 30
MAX_ARCHIVE_MEMBERS = 200_000


def _check_size(spec: str, archive: Path, sizes: list[int]) -> None:
    if len(sizes) > MAX_ARCHIVE_MEMBERS or sum(sizes) > MAX_ARCHIVE_BYTES:
        raise SourceError(
            spec,
            f"{archive.name} would unpack to {len(sizes)} files, {sum(sizes) >> 20} MB",
            _UNSAFE_FIX,
        )


def extract_tar(spec: str, archive: Path, dest: Path, *, strip_top: bool) -> None:
    try:
        with tarfile.open(archive, "r:*") as tar:
            infos = tar.getmembers()
            _check_size(spec, archive, [i.size for i in infos])
            members = [_Member(i.name, _tar_kind(i), i.linkname or None, i) for i in infos]
            ordered = _plan(spec, members, strip_top=strip_top)
            for member in members:  # rename in place, so tarfile's own hardlink lookup agrees
                member.source.name = str(member.path) if member.path.parts else "."
                if member.link_path is not None:
                    member.source.linkname = str(member.link_path)
            chosen = [m.source for m in ordered]
            if _HAS_TAR_FILTERS:
                tar.extractall(dest, members=chosen, filter=_tar_filter)
            else:  # pragma: no cover - our own checks above and below still apply
                tar.extractall(dest, members=chosen)
    except SourceError:
        raise
    except _TAR_FILTER_ERRORS as err:
        info = getattr(err, "tarinfo", None)
        raise _escapes(spec, info.name if info is not None else "?") from err
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        raise SourceError(spec, f"cannot extract {archive.name} ({one_line(err)})", "the archive is damaged") from err
    _verify_links(spec, dest)


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if stat.S_ISLNK(mode):
        return "symlink"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "special"
    return "file"


def extract_zip(spec: str, archive: Path, dest: Path, *, strip_top: bool) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            _check_size(spec, archive, [i.file_size for i in zf.infolist()])
            members = []
            for info in zf.infolist():
                kind = _zip_kind(info)
                if kind == "symlink":
                    # a wheel has no links, and links extracted one by one could chain (`a -> .`, then
                    # `a/a/b -> ../..`) until a later member's folder is made outside the tree
                    raise SourceError(
                        spec, f"archive member '{one_line(info.filename)}' is a symbolic link", _UNSAFE_FIX
                    )
                members.append(_Member(info.filename, kind, None, info))
            for member in _plan(spec, members, strip_top=strip_top):
                target = dest.joinpath(*member.path.parts)
                if member.kind == "dir":
                    target.mkdir(parents=True, exist_ok=True)
                elif member.kind == "symlink":
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.symlink(member.link or "", target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member.source) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
    except SourceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error, ValueError) as err:
        raise SourceError(spec, f"cannot extract {archive.name} ({one_line(err)})", "the archive is damaged") from err
    _verify_links(spec, dest)

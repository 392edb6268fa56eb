"""Archive extraction that refuses the whole archive when any member would land outside its folder.

Every member is checked before anything is written: absolute paths, `..` paths that climb out, links
(symbolic or hard) whose target is outside, paths that pass through such a link, and device files.
Tar extraction then also runs under Python's "data" filter as a second line of defence. Extraction goes
to a temporary sibling folder that is renamed into place at the end, so the target folder appears
complete or not at all.
"""

import os
import re
import secrets
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path

_DRIVE = re.compile(r"^[A-Za-z]:")
_MAX_LINK_DEPTH = 40


class UnsafeArchiveError(ValueError):
    """An archive member would be written outside the target folder. Nothing was extracted."""

    def __init__(self, archive, member, reason):
        self.archive, self.member, self.reason = str(archive), member, reason
        super().__init__(
            f"refusing to extract {archive}: member {member!r} {reason}. Nothing was extracted; "
            "the archive is damaged or malicious, so fetch it again from its official URL."
        )


def extract_archive(archive_path, target_dir):
    """Extract a .tar(.gz/.bz2/.xz) or .zip archive into `target_dir`, all members or none.

    Args:
        archive_path: the archive file.
        target_dir: the folder to create. If it already exists it is returned as it is: only the
            final rename of a complete extraction creates it.

    Returns:
        Path of target_dir.

    Raises:
        UnsafeArchiveError: naming the first member that would land outside target_dir.
        ValueError: if the file is neither a tar nor a zip archive.
    """
    archive_path, target_dir = Path(archive_path), Path(target_dir)
    if target_dir.is_dir():
        return target_dir
    if tarfile.is_tarfile(archive_path):
        kind = "tar"
    elif zipfile.is_zipfile(archive_path):
        kind = "zip"
    else:
        raise ValueError(f"archive_path must be a tar or zip archive; {archive_path} is neither")
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = target_dir.with_name(f".{target_dir.name}.extracting-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        if kind == "tar":
            with tarfile.open(archive_path) as archive:
                members = archive.getmembers()
                check_members(archive_path, _tar_entries(members))
                _extract_tar(archive_path, archive, members, staging)
        else:
            with zipfile.ZipFile(archive_path) as archive:
                check_members(archive_path, _zip_entries(archive))
                archive.extractall(staging)
        os.replace(staging, target_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target_dir


def check_members(archive_path, entries):
    """Raise UnsafeArchiveError for the first unsafe member.

    Args:
        archive_path: for the message.
        entries: list of (name, kind, linkname) with kind in "file", "dir", "symlink", "hardlink", "special".
    """
    links = {}
    for name, kind, linkname in entries:
        if kind == "symlink":
            links[_clean(name)] = linkname
    for name, kind, linkname in entries:
        if _is_absolute(name):
            raise UnsafeArchiveError(archive_path, name, "has an absolute path")
        parts = _split(name)
        if _resolve(parts[:-1], links) is None or (parts and parts[-1] == ".." and _resolve(parts, links) is None):
            reason = "would land outside the target folder ('..' path)" if ".." in parts else (
                "would be written through a link that points outside the target folder"
            )
            raise UnsafeArchiveError(archive_path, name, reason)
        if kind == "special":
            raise UnsafeArchiveError(archive_path, name, "is a device file or FIFO")
        if kind in ("symlink", "hardlink"):
            if _is_absolute(linkname):
                raise UnsafeArchiveError(archive_path, name, f"is a link to the absolute path {linkname!r}")
            base = parts[:-1] if kind == "symlink" else []  # hard links are relative to the archive root
            if _resolve(base + _split(linkname), links) is None:
                reason = f"is a link pointing outside the target folder ({linkname!r})"
                raise UnsafeArchiveError(archive_path, name, reason)


def _tar_entries(members):
    entries = []
    for member in members:
        if member.issym():
            kind = "symlink"
        elif member.islnk():
            kind = "hardlink"
        elif member.isdir():
            kind = "dir"
        elif member.isfile():
            kind = "file"
        else:
            kind = "special"
        entries.append((member.name, kind, member.linkname))
    return entries


def _zip_entries(archive):
    entries = []
    for info in archive.infolist():
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            # zipfile writes links as small text files, but a link that points outside is refused all the same.
            entries.append((info.filename, "symlink", archive.read(info).decode("utf-8", "replace")))
        else:
            entries.append((info.filename, "dir" if info.is_dir() else "file", ""))
    return entries


def _extract_tar(archive_path, archive, members, staging):
    if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 / 3.10.12
        try:
            archive.extractall(staging, members=members, filter="data")
        except tarfile.FilterError as error:
            reason = f"was refused by tarfile's data filter ({error})"
            raise UnsafeArchiveError(archive_path, error.tarinfo.name, reason) from None
    else:
        archive.extractall(staging, members=members)


def _is_absolute(name):
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name))


def _split(name):
    """Path components, with backslashes taken as separators too (they are on Windows)."""
    return [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]


def _clean(name):
    return "/".join(_split(name))


def _resolve(parts, links, depth=0):
    """Resolve components inside the archive root, following the archive's own symlinks.

    Returns the resolved components, or None when the path climbs above the root.
    """
    if depth > _MAX_LINK_DEPTH:
        return None
    resolved = []
    for part in parts:
        if part == "..":
            if not resolved:
                return None
            resolved.pop()
            continue
        resolved.append(part)
        target = links.get("/".join(resolved))
        if target is not None:
            if _is_absolute(target):
                return None
            resolved = _resolve(resolved[:-1] + _split(target), links, depth + 1)
            if resolved is None:
                return None
    return resolved

"""Archive extraction refuses, as a whole, any archive with a member that would land outside its folder."""

import io
import tarfile
import zipfile

import pytest

from resnet_widgets.data import UnsafeArchiveError, extract_archive

def make_tar(path, members):
    """members: list of (name, kind, payload) with kind file / dir / symlink / hardlink / fifo."""
    with tarfile.open(path, "w:gz") as archive:
        for name, kind, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(payload)
                archive.addfile(info, io.BytesIO(payload))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                         "fifo": tarfile.FIFOTYPE, "chardev": tarfile.CHRTYPE}[kind]
            if kind in ("symlink", "hardlink"):
                info.linkname = payload
            archive.addfile(info)
    return path


def make_zip(path, names):
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"payload")
    return path


@pytest.fixture
def outer(tmp_path):
    """A folder holding the archive and the target; nothing may appear in it but those two."""
    folder = tmp_path / "outer"
    folder.mkdir()
    return folder


def written_files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


GOOD = ("flower_photos/daisy/1.jpg", "file", b"jpeg bytes")


@pytest.mark.parametrize(
    "bad_member, reason",
    [
        (("../evil.txt", "file", b"x"), "outside the target folder ('..' path)"),
        (("flower_photos/../../evil.txt", "file", b"x"), "outside the target folder ('..' path)"),
        (("/tmp/evil.txt", "file", b"x"), "absolute path"),
        (("flower_photos/link", "symlink", "../../evil.txt"), "link pointing outside"),
        (("flower_photos/link", "symlink", "/etc/passwd"), "link to the absolute path"),
        (("flower_photos/hard", "hardlink", "../evil.txt"), "link pointing outside"),
        (("flower_photos/pipe", "fifo", None), "device file or FIFO"),
        (("flower_photos/tty", "chardev", None), "device file or FIFO"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink-out", "symlink-absolute", "hardlink-out", "fifo", "device"],
)
def test_unsafe_tar_member_refuses_whole_archive(outer, bad_member, reason):
    archive = make_tar(outer / "photos.tgz", [GOOD, bad_member, ("flower_photos/roses/2.jpg", "file", b"y")])
    target = outer / "photos_extracted"

    with pytest.raises(UnsafeArchiveError) as caught:
        extract_archive(archive, target)

    assert caught.value.member == bad_member[0]
    assert repr(bad_member[0]) in str(caught.value) and reason in str(caught.value)
    assert "Nothing was extracted" in str(caught.value)
    assert written_files(outer) == ["photos.tgz"]  # no target, no evil.txt, no staging folder
    assert not (outer.parent / "evil.txt").exists()


def test_file_written_through_a_link_that_points_outside_is_refused(outer):
    archive = make_tar(
        outer / "photos.tgz",
        [("flower_photos/escape", "symlink", "../.."), ("flower_photos/escape/evil.txt", "file", b"x")],
    )
    with pytest.raises(UnsafeArchiveError, match="escape"):
        extract_archive(archive, outer / "target")
    assert written_files(outer) == ["photos.tgz"]
    assert not (outer.parent / "evil.txt").exists()


def test_chained_links_that_end_outside_are_refused(outer):
    # "a" -> "." looks harmless and "b" -> "a/.." looks like it stays inside, but through "a" it climbs out.
    archive = make_tar(outer / "chain.tgz", [("a", "symlink", "."), ("b", "symlink", "a/../..")])
    with pytest.raises(UnsafeArchiveError, match="'b'"):
        extract_archive(archive, outer / "target")
    assert written_files(outer) == ["chain.tgz"]


@pytest.mark.parametrize("bad_name", ["../evil.txt", "/abs/evil.txt", "C:/evil.txt", "sub\\..\\..\\evil.txt"])
def test_unsafe_zip_member_refuses_whole_archive(outer, bad_name):
    archive = make_zip(outer / "photos.zip", ["photos/a/1.jpg", bad_name])
    with pytest.raises(UnsafeArchiveError) as caught:
        extract_archive(archive, outer / "target")
    assert caught.value.member == bad_name
    assert written_files(outer) == ["photos.zip"]


def test_safe_archive_is_extracted_completely_with_inner_links(outer):
    archive = make_tar(
        outer / "photos.tgz",
        [
            ("flower_photos", "dir", None),
            GOOD,
            ("flower_photos/LICENSE.txt", "file", b"CC-BY"),
            ("flower_photos/daisy/same.jpg", "symlink", "1.jpg"),
            ("flower_photos/daisy/../roses/3.jpg", "file", b"z"),  # a '..' that stays inside is fine
        ],
    )
    target = extract_archive(archive, outer / "photos_extracted")

    assert (target / "flower_photos/daisy/1.jpg").read_bytes() == b"jpeg bytes"
    assert (target / "flower_photos/daisy/same.jpg").read_bytes() == b"jpeg bytes"
    assert (target / "flower_photos/roses/3.jpg").read_bytes() == b"z"
    assert sorted(written_files(outer)) == sorted(
        ["photos.tgz", "photos_extracted"] + [f"photos_extracted/{p}" for p in written_files(target)]
    )


def test_extracted_folder_is_reused_not_extracted_twice(outer):
    archive = make_tar(outer / "photos.tgz", [GOOD])
    target = extract_archive(archive, outer / "target")
    (target / "marker").write_text("kept")
    assert extract_archive(archive, outer / "target") == target
    assert (target / "marker").read_text() == "kept"


def test_file_that_is_not_an_archive_is_a_clear_error(outer):
    (outer / "notes.txt").write_text("not an archive")
    with pytest.raises(ValueError, match="must be a tar or zip archive"):
        extract_archive(outer / "notes.txt", outer / "target")
    assert written_files(outer) == ["notes.txt"]

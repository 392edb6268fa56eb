"""replace_atomically: the one way the package writes a file, the old one or the new one, never half."""

import pytest

from resnet_widgets.io import replace_atomically, write_atomically


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "record.json"
    target.write_text("old")

    def half_then_fail(temporary):
        temporary.write_text("ne")  # half of the new contents, then the disk fills up
        raise OSError("no space left on device")

    with pytest.raises(OSError, match="no space left"):
        replace_atomically(target, half_then_fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_the_temporary_is_complete_and_keeps_the_suffixes_a_writer_needs(tmp_path):
    target = tmp_path / "sub" / "epoch-0001.weights.h5"  # the folder does not exist yet
    seen = []

    def look(temporary, final):
        seen.append((temporary.name, temporary.read_bytes(), final.exists()))

    replace_atomically(target, lambda temporary: temporary.write_bytes(b"weights"),
                       suffix="partial" + "".join(target.suffixes), before_replace=look)
    [(name, contents, final_existed)] = seen
    assert name.startswith(".epoch-0001.weights.h5.") and name.endswith(".partial.weights.h5")
    assert contents == b"weights" and not final_existed
    assert target.read_bytes() == b"weights"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_a_failure_just_before_the_rename_keeps_the_old_file(tmp_path):
    target = tmp_path / "best.keras"
    target.write_bytes(b"old model")

    def die(temporary, final):
        raise KeyboardInterrupt  # stopped by the learner between writing and renaming

    with pytest.raises(KeyboardInterrupt):
        replace_atomically(target, lambda temporary: temporary.write_bytes(b"new model"), before_replace=die)
    assert target.read_bytes() == b"old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.keras"]


def test_write_atomically_writes_text_as_utf8(tmp_path):
    target = write_atomically(tmp_path / "note.txt", "größer")
    assert target.read_bytes() == "größer".encode("utf-8")

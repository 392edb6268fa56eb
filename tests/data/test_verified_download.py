"""Downloads go through resnet_widgets.io (pooch) with sha256; bad files are removed and fetched again, and
failures say what failed, the URL, and where a file fetched by hand is picked up."""

import hashlib

import pytest

from resnet_widgets.data import DownloadError, fetch_file
from resnet_widgets.io import cache_file

GOOD = b"the real archive " * 1000
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()


def record(url, name="archive.tgz", sha256=GOOD_SHA):
    return {"role": "archive", "name": name, "url": url, "sha256": sha256, "size": len(GOOD)}


@pytest.fixture
def online(monkeypatch):
    monkeypatch.delenv("RESNET_LAB_OFFLINE", raising=False)


def test_download_is_verified_and_kept_in_the_keras_cache(online, loopback, isolated_data_home):
    loopback.routes["archive.tgz"] = [GOOD]
    path, downloaded = fetch_file(record(loopback.url("archive.tgz")))

    assert downloaded and path == isolated_data_home / "datasets" / "archive.tgz"
    assert path.read_bytes() == GOOD

    again, downloaded_again = fetch_file(record(loopback.url("archive.tgz")))
    assert (again, downloaded_again) == (path, False)
    assert loopback.hits["archive.tgz"] == 1


def test_truncated_cached_file_is_fetched_again(online, loopback):
    loopback.routes["archive.tgz"] = [GOOD]
    truncated = cache_file("archive.tgz", "datasets")
    truncated.parent.mkdir(parents=True)
    truncated.write_bytes(GOOD[: len(GOOD) // 2])  # what a download that died halfway leaves behind

    path, downloaded = fetch_file(record(loopback.url("archive.tgz")))

    assert downloaded and path.read_bytes() == GOOD
    assert loopback.hits["archive.tgz"] == 1


def test_corrupt_download_is_removed_and_fetched_again(online, loopback):
    corrupt = bytearray(GOOD)
    corrupt[100] ^= 0xFF
    loopback.routes["archive.tgz"] = [bytes(corrupt), GOOD]

    path, downloaded = fetch_file(record(loopback.url("archive.tgz")))

    assert downloaded and path.read_bytes() == GOOD
    assert loopback.hits["archive.tgz"] == 2


def test_download_cut_short_is_fetched_again(online, loopback):
    # The server promises the whole file but the connection ends halfway.
    loopback.routes["archive.tgz"] = [(GOOD[:5000], len(GOOD)), GOOD]

    path, _ = fetch_file(record(loopback.url("archive.tgz")))

    assert path.read_bytes() == GOOD
    assert loopback.hits["archive.tgz"] == 2


def test_download_that_keeps_failing_its_checksum_is_removed_and_explained(online, loopback):
    loopback.routes["archive.tgz"] = [b"an HTML error page, not the archive"]
    url = loopback.url("archive.tgz")

    with pytest.raises(DownloadError) as caught:
        fetch_file(record(url), what="the test archive")

    message = str(caught.value)
    expected_path = cache_file("archive.tgz", "datasets")
    assert message.startswith(f"could not fetch the test archive from {url}: the downloaded file failed its sha256")
    assert hashlib.sha256(b"an HTML error page, not the archive").hexdigest() in message
    assert f"place it at\n    {expected_path}\n" in message and GOOD_SHA in message
    assert caught.value.path == str(expected_path) and caught.value.url == url
    assert not expected_path.exists()  # nothing half-right is left to look cached
    assert loopback.hits["archive.tgz"] == 2


def test_wrong_checksum_from_a_local_file_url_leaves_no_file(online, tmp_path):
    served = tmp_path / "mirror" / "archive.tgz"
    served.parent.mkdir()
    served.write_bytes(b"tampered")

    with pytest.raises(DownloadError, match="failed its sha256 check"):
        fetch_file(record(served.as_uri()))

    assert not cache_file("archive.tgz", "datasets").exists()
    assert served.read_bytes() == b"tampered"  # the source is left alone


def test_unreachable_host_error_names_url_and_manual_path(online, closed_url):
    with pytest.raises(DownloadError) as caught:
        fetch_file(record(closed_url, name="file.bin"), what="the test file")

    message = str(caught.value)
    assert f"could not fetch the test file from {closed_url}:" in message
    assert "cannot reach 127.0.0.1:" in message and "looks offline (ConnectionRefusedError" in message
    assert f"place it at\n    {cache_file('file.bin', 'datasets')}\n" in message
    assert "it is picked up from there" in message
    assert not cache_file("file.bin", "datasets").exists()


def test_http_404_is_a_download_error_in_keras_words(online, loopback):
    with pytest.raises(DownloadError, match="URL fetch failure on .*missing.tgz: 404 -- Not Found"):
        fetch_file(record(loopback.url("missing.tgz"), name="missing.tgz"))
    assert loopback.hits["missing.tgz"] == 2  # an HTTP error may be passing, so it is tried twice


def test_offline_switch_explains_without_touching_the_network(loopback):
    # RESNET_LAB_OFFLINE=1 is set by the autouse fixture.
    with pytest.raises(DownloadError) as caught:
        fetch_file(record(loopback.url("archive.tgz")))
    assert "RESNET_LAB_OFFLINE" in str(caught.value)
    assert str(cache_file("archive.tgz", "datasets")) in str(caught.value)
    assert loopback.hits["archive.tgz"] == 0


def test_manually_placed_file_is_picked_up_offline(closed_url):
    placed = cache_file("file.bin", "datasets")
    placed.parent.mkdir(parents=True)
    placed.write_bytes(GOOD)

    path, downloaded = fetch_file(record(closed_url, name="file.bin"))

    assert (path, downloaded) == (placed, False)


def test_cache_dir_argument_moves_the_download(online, loopback, tmp_path):
    loopback.routes["archive.tgz"] = [GOOD]
    path, _ = fetch_file(record(loopback.url("archive.tgz")), cache_dir=tmp_path / "elsewhere")
    assert path == tmp_path / "elsewhere" / "datasets" / "archive.tgz"

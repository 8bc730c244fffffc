"""StorageClient end to end: buckets, uploads in every form the client takes, streaming and tarballs."""

from __future__ import annotations

import copy
import io
import itertools
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest

from flame_hub import Hub
from flame_hub.clients.storage import UploadFile
from flame_hub.exceptions import InvalidIdError, NotFoundError
from flame_hub.models.storage import Bucket, BucketFile

from .support import RecordingTransport, Records, ids, multipart_parts

PAYLOAD = bytes(range(256)) * 40 + b"tail"  # 10 KiB and a bit, every byte value


def test_bucket_lifecycle(hub: Hub, records: Records) -> None:
    bucket = records.bucket()
    other = records.bucket()
    assert bucket.realm_id == records.realm_id and bucket.name

    assert hub.storage.get_bucket(bucket.id) == bucket  # no includes: the same values
    assert hub.storage.get_bucket(str(bucket.name)).id == bucket.id  # buckets are addressable by name too
    assert hub.storage.get_bucket(uuid.uuid4()) is None
    names = [bucket.name, other.name]
    assert ids(hub.storage.find_buckets(filter={"name": bucket.name})) == [bucket.id]
    assert hub.storage.find_buckets(filter={"name": bucket.name, "id": other.id}) == []
    by_id = sorted([bucket, other], key=lambda r: str(r.id), reverse=True)
    assert ids(
        hub.storage.find_buckets(filter={"name": names}, sort={"by": "id", "order": "descending"})
    ) == ids(by_id)
    assert ids(
        hub.storage.find_buckets(filter={"name": names}, sort="id", page={"limit": 1, "offset": 1})
    ) == ids(by_id[:1])
    page, meta = hub.storage.get_buckets(meta=True)
    assert len(page) <= 50 and meta.total >= 2

    hub.storage.delete_bucket(bucket)
    assert hub.storage.get_bucket(bucket.id) is None
    assert ids(hub.storage.find_buckets(filter={"name": names})) == [other.id]


def test_upload_every_form(
    recorded_hub: Hub, recorder: RecordingTransport, records: Records, tmp_path: Path
) -> None:
    bucket = records.bucket()
    on_disk = tmp_path / "report.csv"
    on_disk.write_bytes(b"a,b\n1,2\n")
    typed: UploadFile = {
        "file_name": "typed/data.json",
        "content": b'{"x": 1}',
        "content_type": "application/vnd.test+json",
    }
    untyped: UploadFile = {"file_name": "untyped/blob.bin", "content": PAYLOAD}
    typed_before, untyped_before = copy.deepcopy(typed), copy.deepcopy(untyped)

    files = recorded_hub.storage.upload_to_bucket(
        bucket,
        ("raw/bytes.dat", b"\x00\x01binary"),
        ("text/hello.txt", "grüße\n"),
        ("stream/from-file.bin", io.BytesIO(b"from a file object")),
        on_disk,
        typed,
        untyped,
    )
    assert typed == typed_before and untyped == untyped_before and "content_type" not in untyped

    expected = {
        "raw/bytes.dat": b"\x00\x01binary",
        "text/hello.txt": "grüße\n".encode(),
        "stream/from-file.bin": b"from a file object",
        "report.csv": b"a,b\n1,2\n",
        "typed/data.json": b'{"x": 1}',
        "untyped/blob.bin": PAYLOAD,
    }
    assert [f.path for f in files] == list(expected)
    for stored in files:
        assert isinstance(stored, BucketFile) and stored.bucket_id == bucket.id
        assert stored.size == len(expected[str(stored.path)])
    nested = next(f for f in files if f.path == "typed/data.json")
    assert (nested.name, nested.directory) == ("data.json", "typed")

    # what the multipart parts carried: the given type as it is, a guess otherwise, never the caller's dict
    (upload,) = [r for r in recorder.requests if r.url.path.endswith("/upload")]
    parts = {part.filename: part for part in multipart_parts(upload)}
    assert {name: part.content for name, part in parts.items()} == expected
    assert parts["typed/data.json"].content_type == "application/vnd.test+json"
    assert parts["untyped/blob.bin"].content_type == "application/octet-stream"
    assert parts["text/hello.txt"].content_type.startswith("text/plain")
    assert parts["report.csv"].content_type == "text/csv"

    # each stored file reads back as uploaded
    for stored in files:
        assert b"".join(recorded_hub.storage.stream_bucket_file(stored)) == expected[str(stored.path)]


def test_upload_progress(hub: Hub, records: Records) -> None:
    bucket = records.bucket()
    seen: list[tuple[int, int | None]] = []
    hub.storage.upload_to_bucket(
        bucket.id,
        ("one.bin", PAYLOAD),
        {"file_name": "two.bin", "content": io.BytesIO(b"x" * 5000)},
        progress=lambda done, total: seen.append((done, total)),
    )
    total = len(PAYLOAD) + 5000
    assert seen and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert all(t == total for _, t in seen)


def test_misspelt_transfer_options_are_refused(
    recorded_hub: Hub, recorder: RecordingTransport, records: Records, tmp_path: Path
) -> None:
    bucket = records.bucket()
    (stored,) = recorded_hub.storage.upload_to_bucket(bucket, ("a.txt", b"a"))
    sent = len(recorder.requests)
    options: Any = {"progres": print}
    with pytest.raises(TypeError, match="progres"):
        recorded_hub.storage.upload_to_bucket(bucket, ("b.txt", b"b"), **options)
    with pytest.raises(TypeError, match="chunk_size"):  # uploads have no chunk size
        recorded_hub.storage.upload_to_bucket(bucket, ("b.txt", b"b"), chunk_size=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="progres"):
        recorded_hub.storage.download_bucket_file(stored, tmp_path / "a.txt", **options)
    assert len(recorder.requests) == sent and not (tmp_path / "a.txt").exists()


def test_bucket_files_find_get_delete(hub: Hub, records: Records) -> None:
    bucket = records.bucket()
    other = records.bucket()
    files = hub.storage.upload_to_bucket(
        bucket, ("b.txt", b"bbb"), ("dir/a.txt", b"aaa"), ("dir/c.txt", b"c")
    )
    (elsewhere,) = hub.storage.upload_to_bucket(other, ("b.txt", b"other"))
    by_path = {f.path: f for f in files}

    assert hub.storage.get_bucket_file(by_path["b.txt"].id).id == by_path["b.txt"].id
    assert hub.storage.get_bucket_file(uuid.uuid4()) is None
    in_bucket = {"bucket_id": bucket.id}
    assert ids(
        hub.storage.find_bucket_files(filter=in_bucket, sort=[{"by": "directory"}, {"by": "name"}])
    ) == ids([by_path["b.txt"], by_path["dir/a.txt"], by_path["dir/c.txt"]])
    assert ids(hub.storage.find_bucket_files(filter={**in_bucket, "directory": "dir"}, sort="-name")) == ids(
        [by_path["dir/c.txt"], by_path["dir/a.txt"]]
    )
    assert ids(
        hub.storage.find_bucket_files(
            filter={"name": "b.txt", "bucket_id": [bucket.id, other.id]}, sort="name"
        )
    ) in (ids([by_path["b.txt"], elsewhere]), ids([elsewhere, by_path["b.txt"]]))
    with_bucket = hub.storage.find_bucket_files(filter={**in_bucket, "name": "a.txt"}, include="bucket")
    assert ids(with_bucket) == [by_path["dir/a.txt"].id] and isinstance(with_bucket[0].bucket, Bucket)
    assert with_bucket[0].bucket.id == bucket.id

    hub.storage.delete_bucket_file(by_path["b.txt"])
    assert hub.storage.get_bucket_file(by_path["b.txt"].id) is None
    assert len(hub.storage.find_bucket_files(filter=in_bucket)) == 2


def test_streaming_download_and_files_on_disk(hub: Hub, records: Records, tmp_path: Path) -> None:
    bucket = records.bucket()
    (stored,) = hub.storage.upload_to_bucket(bucket, ("deep/dir/payload.bin", PAYLOAD))

    chunks = list(hub.storage.stream_bucket_file(stored.id, chunk_size=1000))
    assert b"".join(chunks) == PAYLOAD
    assert len(chunks) > 1 and all(len(chunk) <= 1000 for chunk in chunks)

    target = tmp_path / "out" / "payload.bin"
    written: list[tuple[int, int | None]] = []
    assert (
        hub.storage.download_bucket_file(
            stored, target, chunk_size=4096, progress=lambda d, t: written.append((d, t))
        )
        == target
    )
    assert target.read_bytes() == PAYLOAD
    assert written[-1][0] == len(PAYLOAD)
    done = [0, *(d for d, _ in written)]
    assert len(written) >= 3 and all(
        0 < b - a <= 4096 for a, b in itertools.pairwise(done)
    )  # chunk_size honoured
    assert [p.name for p in target.parent.iterdir()] == ["payload.bin"]  # no partial file left behind

    archive = hub.storage.download_bucket_tarball(bucket, tmp_path / "bucket.tar")
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["deep/dir/payload.bin"]


def test_bucket_tarball(hub: Hub, records: Records) -> None:
    bucket = records.bucket()
    contents = {"main.py": b"print('hi')\n", "lib/util.py": b"x = 1\n", "data/big.bin": PAYLOAD}
    hub.storage.upload_to_bucket(bucket, *contents.items())

    raw = b"".join(hub.storage.stream_bucket_tarball(bucket, chunk_size=2048))
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        assert sorted(tar.getnames()) == sorted(contents)
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            assert extracted is not None and extracted.read() == contents[member.name]

    empty = records.bucket()
    with tarfile.open(fileobj=io.BytesIO(b"".join(hub.storage.stream_bucket_tarball(empty.id)))) as tar:
        assert tar.getnames() == []


def test_streams_are_lazy_and_fail_on_the_first_chunk(
    recorded_hub: Hub, recorder: RecordingTransport, records: Records
) -> None:
    bucket = records.bucket()
    (stored,) = recorded_hub.storage.upload_to_bucket(bucket, ("lazy.txt", b"lazy"))
    sent = len(recorder.requests)
    file_stream = recorded_hub.storage.stream_bucket_file(stored)
    tar_stream = recorded_hub.storage.stream_bucket_tarball(bucket)
    missing: Any = recorded_hub.storage.stream_bucket_file(uuid.uuid4())
    assert len(recorder.requests) == sent  # nothing requested yet

    assert next(file_stream) == b"lazy"
    assert len(recorder.requests) == sent + 1
    next(tar_stream)
    assert len(recorder.requests) == sent + 2
    with pytest.raises(NotFoundError):
        next(missing)
    with pytest.raises(InvalidIdError):  # an id that is not one path segment never reaches the Hub
        next(recorded_hub.storage.stream_bucket_file("../buckets"))
    assert len(recorder.requests) == sent + 3

"""Storage: buckets, multipart upload, file stream, bucket tarball (core-and-storage.md §4, observed.md)."""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import uuid

import pytest

pytestmark = pytest.mark.conformance

IDENTITY = {"Accept-Encoding": "identity"}


def test_upload_envelope(api):
    """observed.md / core-and-storage.md §1.5/§4.3: upload → 201 {data: [...], meta: {total}} without
    schema/limit/offset."""
    bucket = api.bucket()
    response = api.upload(bucket["id"], {"a.txt": b"alpha", "b.txt": b"beta"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"total": 2}
    assert sorted(row["path"] for row in body["data"]) == ["a.txt", "b.txt"]


def test_uploaded_file_record(api):
    """core-and-storage.md §4.2/§4.3 / observed.md: name = basename, path = filename with directories,
    directory = dirname, hash = 64 hex, size = bytes (a number), bucketId; no `bucket` relation."""
    bucket = api.bucket()
    (row,) = api.upload(bucket["id"], {"dir/sub/file.txt": b"0123456789"}).json()["data"]
    assert row["name"] == "file.txt"
    assert row["path"] == "dir/sub/file.txt"
    assert row["directory"] == "dir/sub"
    assert re.fullmatch(r"[0-9a-f]{64}", row["hash"])
    assert row["size"] == 10
    assert row["bucketId"] == bucket["id"]
    assert "bucket" not in row
    uuid.UUID(row["id"])


def test_top_level_file_directory_is_dot(api):
    """core-and-storage.md §4.2: directory is `.` for top-level files."""
    bucket = api.bucket()
    (row,) = api.upload(bucket["id"], {"top.txt": b"x"}).json()["data"]
    assert row["directory"] == "."


def test_uploader_identity_is_recorded(api):
    """core-and-storage.md §4.2: actorType/actorId = uploader identity, realmId = uploader realm."""
    bucket = api.bucket()
    (row,) = api.upload(bucket["id"], {"who.txt": b"x"}).json()["data"]
    admin = api.record("/auth/users/admin")
    assert (row["actorType"], row["actorId"]) == ("user", admin["id"])
    assert row["realmId"] == admin["realmId"]


def test_field_name_is_irrelevant_and_parts_without_filename_are_skipped(api):
    """core-and-storage.md §4.3: any field name; parts without a filename are skipped."""
    bucket = api.bucket()
    response = api.post(
        f"/storage/buckets/{bucket['id']}/upload",
        data={"comment": "not a file"},
        files=[("anything-goes", ("kept.bin", b"\x00\x01"))],
    )
    assert response.status_code == 201
    assert [row["path"] for row in response.json()["data"]] == ["kept.bin"]


def test_upload_needs_multipart(api):
    """core-and-storage.md §4.3: without multipart/form-data → 400 "A multipart content-type header is
    required."."""
    bucket = api.bucket()
    response = api.post(f"/storage/buckets/{bucket['id']}/upload", json={"file": "x"})
    assert response.status_code == 400
    assert response.json()["message"] == "A multipart content-type header is required."


def test_file_stream_returns_the_bytes_as_an_attachment(api):
    """core-and-storage.md §4.4 / observed.md: GET /bucket-files/:id/stream → raw bytes, octet-stream,
    Content-Disposition attachment with the file name."""
    bucket = api.bucket()
    payload = bytes(range(256)) * 4
    (row,) = api.upload(bucket["id"], {"data/blob.bin": payload}).json()["data"]
    response = api.get(f"/storage/bucket-files/{row['id']}/stream", headers=IDENTITY)
    assert response.status_code == 200
    assert response.content == payload
    assert response.headers["content-type"].startswith("application/octet-stream")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment")
    assert 'filename="blob.bin"' in disposition


def test_file_stream_is_gzipped_when_accepted(api):
    """core-and-storage.md §4.4: gzip Content-Encoding when Accept-Encoding allows gzip."""
    bucket = api.bucket()
    payload = b"compress me " * 100
    (row,) = api.upload(bucket["id"], {"z.txt": payload}).json()["data"]
    with api.http.stream(
        "GET",
        f"/storage/bucket-files/{row['id']}/stream",
        headers={"Authorization": f"Bearer {api.admin_token}", "Accept-Encoding": "gzip"},
    ) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers.get("content-encoding") == "gzip"
    assert gzip.decompress(raw) == payload


def test_bucket_by_name(api):
    """core-and-storage.md §4.1: :idOrName may be the bucket name (non-UUID ⇒ looked up by name)."""
    bucket = api.bucket()
    data = api.record(f"/storage/buckets/{bucket['name']}")
    assert data["id"] == bucket["id"]
    response = api.upload(bucket["name"], {"by-name.txt": b"n"})
    assert response.status_code == 201
    assert response.json()["data"][0]["bucketId"] == bucket["id"]


def test_unknown_bucket_name_is_404(api):
    """core-and-storage.md §4.1/§1.7: no such bucket → 404 entity_not_found."""
    response = api.get("/storage/buckets/no-such-bucket")
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found"


def test_bucket_tarball(api):
    """core-and-storage.md §4.4: GET /buckets/:id/stream → a tar of all files (entry name = path),
    application/x-tar, attachment <bucket-uuid>.tar."""
    bucket = api.bucket()
    files = {"a.txt": b"alpha", "dir/b.txt": b"beta"}
    api.upload(bucket["id"], files)
    response = api.get(f"/storage/buckets/{bucket['id']}/stream", headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-tar")
    assert f"{bucket['id']}.tar" in response.headers["content-disposition"]
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        contents = {member.name: tar.extractfile(member).read() for member in tar.getmembers()}
    assert contents == files


def test_empty_bucket_tarball(api):
    """core-and-storage.md §4.4: 200 even if empty."""
    bucket = api.bucket()
    response = api.get(f"/storage/buckets/{bucket['name']}/stream", headers=IDENTITY)
    assert response.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        assert tar.getmembers() == []


def test_bucket_files_filter_by_bucket(api):
    """core-and-storage.md §4.2: bucket-files filter on bucketId."""
    first, second = api.bucket(), api.bucket()
    api.upload(first["id"], {"one.txt": b"1"})
    api.upload(second["id"], {"two.txt": b"2", "three.txt": b"3"})
    rows = api.list("/storage/bucket-files", params={"filter[bucketId]": second["id"]})
    assert sorted(row["name"] for row in rows) == ["three.txt", "two.txt"]


def test_bucket_file_path_is_not_filterable(api):
    """core-and-storage.md §4.2: `path` is not filterable: dropped in brackets, 400 in an expression."""
    bucket = api.bucket()
    api.upload(bucket["id"], {"one.txt": b"1", "two.txt": b"2"})
    assert api.get("/storage/bucket-files", params={"filter[path]": "one.txt"}).json()["meta"]["total"] == 2
    response = api.get("/storage/bucket-files", params={"filter": "eq(path,'one.txt')"})
    assert response.status_code == 400
    assert response.json()["issues"][0]["code"] == "keyNotAllowed"


def test_bucket_file_delete(api):
    """core-and-storage.md §4.2: DELETE /bucket-files/:id → 202 with the record; then 404."""
    bucket = api.bucket()
    (row,) = api.upload(bucket["id"], {"gone.txt": b"x"}).json()["data"]
    response = api.delete(f"/storage/bucket-files/{row['id']}")
    assert response.status_code == 202
    assert response.json()["data"]["id"] == row["id"]
    assert api.get(f"/storage/bucket-files/{row['id']}").status_code == 404
    assert api.get(f"/storage/bucket-files/{row['id']}/stream").status_code == 404


def test_bucket_delete(api):
    """core-and-storage.md §4.1: DELETE /buckets/:idOrName → 202 record; the bucket is gone."""
    bucket = api.bucket()
    api.upload(bucket["id"], {"x.txt": b"x"})
    response = api.delete(f"/storage/buckets/{bucket['id']}")
    assert response.status_code == 202
    assert response.json()["data"]["id"] == bucket["id"]
    assert api.get(f"/storage/buckets/{bucket['id']}").status_code == 404


def test_bucket_defaults(api):
    """core-and-storage.md §4.1: realmId defaults to the actor realm; region nullable."""
    bucket = api.bucket()
    assert bucket["realmId"] == api.master_realm_id()
    assert bucket["region"] is None

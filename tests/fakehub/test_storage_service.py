"""Storage: buckets by id or name, ownership, uploads, spooled objects, streams and tarballs."""

from __future__ import annotations

import gzip
import io
import os
import tarfile

import httpx
import pytest
from core_helpers import Core, name

from flame_hub.testing import FakeHub
from flame_hub.testing.fakehub.multipart import parse_multipart
from flame_hub.testing.fakehub.resources.storage_files import CHUNK_SIZE, accepts_gzip, blob_store

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def core(http: httpx.Client, admin: dict[str, str]) -> Core:
    return Core(http, admin)


def test_name_lookup_only_without_query_parameters(core: Core) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    assert core.get(f"/storage/buckets/{bucket['name']}")["id"] == bucket["id"]
    with_query = core.http.get(
        f"/storage/buckets/{bucket['name']}", params={"fields": "id"}, headers=core.headers
    )
    assert with_query.status_code == 404
    assert set(core.get(f"/storage/buckets/{bucket['id']}", fields="id,name")) == {"id", "name"}
    assert core.http.delete(f"/storage/buckets/{bucket['name']}", headers=core.headers).status_code == 202


def test_bucket_update_changes_nothing(core: Core) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket"), "region": "eu-west"})
    response = core.http.post(
        f"/storage/buckets/{bucket['id']}", json={"name": "renamed", "region": "x"}, headers=core.headers
    )
    assert response.status_code == 202
    assert (response.json()["data"]["name"], response.json()["data"]["region"]) == (bucket["name"], "eu-west")


def test_owner_may_delete_without_the_permission(core: Core) -> None:
    node = core.node()
    token = core.node_token(node)
    assert core.http.post("/storage/buckets", json={"name": "mine-1"}, headers=token).status_code == 400
    permission = core.get("/auth/permissions/bucket_create")
    core.create("/auth/client-permissions", {"clientId": node["clientId"], "permissionId": permission["id"]})
    token = core.node_token(node)  # permissions are read per token
    own = core.create("/storage/buckets", {"name": "mine-1"}, headers=token)
    assert (own["actorType"], own["actorId"]) == ("client", node["clientId"])
    foreign = core.create("/storage/buckets", {"name": name("bucket")})
    refused = core.http.delete(f"/storage/buckets/{foreign['id']}", headers=token)
    assert refused.status_code == 400 and refused.json()["issues"][0]["path"] == ["bucket_delete"]
    assert core.http.delete(f"/storage/buckets/{own['id']}", headers=token).status_code == 202


def test_reupload_of_an_existing_path_is_500_and_keeps_the_first(core: Core) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    core.upload(bucket["id"], {"same.txt": b"first"})
    again = core.upload(bucket["id"], {"same.txt": b"second"})
    assert again.status_code == 500 and again.json()["code"] == "internal_error"
    (row,) = core.rows("/storage/bucket-files")
    assert (
        core.http.get(
            f"/storage/bucket-files/{row['id']}/stream", headers={**core.headers, **IDENTITY}
        ).content
        == b"first"
    )


def test_upload_needs_a_bucket_and_a_login(core: Core) -> None:
    assert core.upload("no-such-bucket", {"a": b"a"}).status_code == 404
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    anonymous = core.http.post(f"/storage/buckets/{bucket['id']}/upload", files=[("f", ("a", b"a"))])
    assert anonymous.status_code == 401


def test_bucket_delete_frees_its_objects(core: Core, hub: FakeHub) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    (row,) = core.upload(bucket["id"], {"x.bin": b"x"}).json()["data"]
    assert blob_store(hub).get(row["hash"]) is not None
    core.http.delete(f"/storage/buckets/{bucket['id']}", headers=core.headers)
    assert blob_store(hub).get(row["hash"]) is None
    assert core.rows("/storage/bucket-files") == []


def test_large_objects_are_spooled_and_streamed_in_chunks(core: Core, hub: FakeHub) -> None:
    store = blob_store(hub)
    store.spool_threshold = 1024
    payload = os.urandom(3 * CHUNK_SIZE + 17)
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    (row,) = core.upload(bucket["id"], {"big/blob.bin": payload}).json()["data"]
    blob = store.get(row["hash"])
    assert (
        blob is not None
        and blob.data is None
        and blob.path is not None
        and os.path.getsize(blob.path) == len(payload)
    )
    headers = {**core.headers, **IDENTITY}
    with core.http.stream("GET", f"/storage/bucket-files/{row['id']}/stream", headers=headers) as response:
        chunks = list(response.iter_raw())
    assert b"".join(chunks) == payload
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= CHUNK_SIZE
    core.http.delete(f"/storage/bucket-files/{row['id']}", headers=core.headers)
    assert not os.path.exists(blob.path)


def test_gzip_negotiation() -> None:
    assert accepts_gzip("gzip, deflate")
    assert accepts_gzip("br;q=1.0, *;q=0.1")
    assert not accepts_gzip("gzip;q=0, identity")
    assert not accepts_gzip("identity")
    assert not accepts_gzip(None)


def test_stream_honours_accept_encoding_over_loopback(hub: FakeHub, core: Core) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    payload = b"0123456789" * 5000
    (row,) = core.upload(bucket["id"], {"n\u00e4me.txt": payload}).json()["data"]
    with hub.serve() as server, httpx.Client(base_url=server.url) as client:
        path = f"/storage/bucket-files/{row['id']}/stream"
        with client.stream("GET", path, headers={**core.headers, "Accept-Encoding": "gzip"}) as response:
            raw = b"".join(response.iter_raw())
            assert response.headers["content-encoding"] == "gzip"
            assert "filename*=UTF-8''n%C3%A4me.txt" in response.headers["content-disposition"]
        assert gzip.decompress(raw) == payload
        plain = client.get(path, headers={**core.headers, **IDENTITY})
        assert "content-encoding" not in plain.headers and plain.content == payload
        tar = client.get(f"/storage/buckets/{bucket['name']}/stream", headers={**core.headers, **IDENTITY})
    with tarfile.open(fileobj=io.BytesIO(tar.content)) as archive:
        assert archive.extractfile("n\u00e4me.txt").read() == payload  # type: ignore[union-attr]


def test_tarball_keeps_long_paths(core: Core) -> None:
    bucket = core.create("/storage/buckets", {"name": name("bucket")})
    long_path = "/".join(["directory"] * 15) + "/file.txt"
    core.upload(bucket["id"], {long_path: b"deep", "empty.txt": b""})
    response = core.http.get(f"/storage/buckets/{bucket['id']}/stream", headers={**core.headers, **IDENTITY})
    with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
        contents = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    assert contents == {long_path: b"deep", "empty.txt": b""}


def test_multipart_parser_edge_cases() -> None:
    boundary = "XyZ"
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="a"; filename="quote\\"d.txt"\r\n\r\n'
        b"one\r\n--XyZ\r\n"
        b"Content-Disposition: form-data; name=b; filename*=UTF-8''caf%C3%A9.txt\r\n"
        b"Content-Type: image/png\r\n\r\n"
        b"\r\n--XyZ-not-a-boundary\r\n--XyZ\r\n"
        b"\r\n"
        b"headless\r\n--XyZ--\r\n"
    )
    parts = parse_multipart(body, f'multipart/form-data; boundary="{boundary}"')
    assert [(p.field, p.filename, p.data) for p in parts] == [
        ("a", 'quote"d.txt', b"one"),
        ("b", "caf\u00e9.txt", b"\r\n--XyZ-not-a-boundary"),
        (None, None, b"headless"),
    ]
    assert parts[1].content_type == "image/png"
    assert parse_multipart(body, "multipart/form-data") == []

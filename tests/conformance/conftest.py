"""Fixtures for the conformance tests: raw HTTP against FakeHub, nothing from the client side.

The tests in this directory check FakeHub against the API reference in ``../shared/hub-api/``
(auth.md, core-and-storage.md, observed.md). They speak plain httpx on purpose: importing our own
client (``flame_hub.clients``/``query``/``models``) would let a shared misunderstanding pass on both
sides. The only project import is ``flame_hub.testing.FakeHub``.

Fixtures:

- ``hub``: a fresh FakeHub per test. ``@pytest.mark.fakehub_options(seed=..., token_lifetime=...)``
  passes constructor options (deterministic clock, short token lifetimes).
- ``transport_kind``: ``"in-process"`` (default) or ``"loopback"`` (``hub.serve()`` on a real socket);
  parametrize it indirectly to run a module both ways.
- ``http``: an ``httpx.Client`` bound to the hub through the chosen transport.
- ``api``: :class:`RawApi`, a thin helper over ``http`` that adds Bearer headers and creates records
  through the public routes (factories), still returning raw ``httpx.Response`` objects or raw JSON.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from flame_hub.testing import FakeHub

ADMIN = "admin"  # sentinel: "send the admin's Bearer token"
ANONYMOUS = None  # sentinel: "send no Authorization header"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fakehub_options(**kwargs): constructor options for the conformance `hub` fixture"
    )


@pytest.fixture
def hub(request: pytest.FixtureRequest) -> FakeHub:
    marker = request.node.get_closest_marker("fakehub_options")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    return FakeHub(**options)


@pytest.fixture
def transport_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "in-process"))


@pytest.fixture
def http(hub: FakeHub, transport_kind: str) -> Iterator[httpx.Client]:
    if transport_kind == "loopback":
        with (
            hub.serve(host="127.0.0.1", port=0) as server,
            httpx.Client(base_url=server.url, timeout=10.0) as client,
        ):
            yield client
    else:
        with httpx.Client(transport=hub.transport(), base_url=hub.base_url, timeout=10.0) as client:
            yield client


@pytest.fixture
def api(http: httpx.Client, hub: FakeHub) -> RawApi:
    return RawApi(http, hub)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


_names = itertools.count(1)


def unique_name(prefix: str) -> str:
    """A lower-case slug that satisfies every name rule of the reference (3-128, [a-z0-9-_.])."""
    return f"{prefix}-{next(_names)}-{uuid.uuid4().hex[:6]}"


class RawApi:
    """Raw-HTTP helper: Bearer handling and record factories over the public routes.

    Every method returns what the server sent (an ``httpx.Response`` or the ``data`` of an envelope);
    nothing is parsed into models. Factories assert the create status (201) so that a broken
    precondition fails loudly where it happens.
    """

    unique_name = staticmethod(unique_name)

    def __init__(self, http: httpx.Client, hub: FakeHub) -> None:
        self.http = http
        self.hub = hub
        self._admin_token: str | None = None
        self._master_image_id: str | None = None

    # -- tokens ---------------------------------------------------------------------------------
    def token(self, **body: Any) -> httpx.Response:
        return self.http.post("/auth/token", json=body)

    def password_grant(self, username: str = "admin", password: str = "start123", **extra: Any) -> dict:
        response = self.token(grant_type="password", username=username, password=password, **extra)
        assert response.status_code == 200, response.text
        return response.json()

    @property
    def admin_token(self) -> str:
        if self._admin_token is None:
            self._admin_token = self.password_grant()["access_token"]
        return self._admin_token

    def client_token(self, client_id: str, secret: str, **extra: Any) -> str:
        response = self.token(
            grant_type="client_credentials", client_id=client_id, client_secret=secret, **extra
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def node_credentials(self, node_id: str) -> dict:
        response = self.get(f"/core/nodes/{node_id}/client/credentials")
        assert response.status_code == 200, response.text
        return response.json()

    def node_client_token(self, node_id: str) -> str:
        """auth.md §4.2: read the node's client credentials from core, log in with the client UUID."""
        credentials = self.node_credentials(node_id)
        return self.client_token(credentials["id"], credentials["secret"])

    # -- raw verbs ------------------------------------------------------------------------------
    def _headers(self, token: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if token == ADMIN:
            headers.update(bearer(self.admin_token))
        elif token is not None:
            headers.update(bearer(token))
        headers.update(extra or {})
        return headers

    def get(
        self,
        path: str,
        params: Any = None,
        token: str | None = ADMIN,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.http.get(path, params=params, headers=self._headers(token, headers))

    def post(
        self,
        path: str,
        json: Any = None,
        token: str | None = ADMIN,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self.http.post(path, json=json, headers=self._headers(token, headers), **kwargs)

    def delete(self, path: str, token: str | None = ADMIN, params: Any = None) -> httpx.Response:
        return self.http.delete(path, params=params, headers=self._headers(token, None))

    def request(self, method: str, path: str, token: str | None = ADMIN, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers=self._headers(token, None), **kwargs)

    # -- reading helpers ------------------------------------------------------------------------
    def list(self, path: str, params: Any = None, token: str | None = ADMIN) -> list[dict]:
        response = self.get(path, params=params, token=token)
        assert response.status_code == 200, response.text
        return list(response.json()["data"])

    def ids(self, path: str, params: Any = None, token: str | None = ADMIN) -> list[str]:
        return [row["id"] for row in self.list(path, params=params, token=token)]

    def record(self, path: str, params: Any = None) -> dict:
        response = self.get(path, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    def wait_for(self, probe: Callable[[], Any], timeout: float = 3.0) -> Any:
        """Poll ``probe`` until it returns something truthy: some effects are asynchronous at the Hub."""
        deadline = time.monotonic() + timeout
        while True:
            result = probe()
            if result or time.monotonic() > deadline:
                return result
            time.sleep(0.05)

    # -- factories ------------------------------------------------------------------------------
    def create(self, path: str, body: dict[str, Any], token: str | None = ADMIN) -> dict:
        response = self.post(path, json=body, token=token)
        assert response.status_code == 201, f"POST {path} -> {response.status_code} {response.text}"
        return dict(response.json()["data"])

    def master_realm_id(self) -> str:
        return str(self.record("/auth/realms/master")["id"])

    def realm(self, **body: Any) -> dict:
        return self.create("/auth/realms", {"name": unique_name("realm"), **body})

    def user(self, **body: Any) -> dict:
        name = body.pop("name", unique_name("user"))
        return self.create(
            "/auth/users", {"name": name, "email": f"{name}@example.com", "password": "p4ssw0rd-long", **body}
        )

    def role(self, **body: Any) -> dict:
        return self.create("/auth/roles", {"name": unique_name("role"), **body})

    def permission(self, **body: Any) -> dict:
        return self.create("/auth/permissions", {"name": unique_name("perm"), **body})

    def scope(self, **body: Any) -> dict:
        return self.create("/auth/scopes", {"name": unique_name("scope"), **body})

    def client(self, **body: Any) -> dict:
        return self.create("/auth/clients", {"name": unique_name("client"), "authMethod": "secret", **body})

    def node(self, **body: Any) -> dict:
        return self.create("/core/nodes", {"name": unique_name("node"), **body})

    def project(self, **body: Any) -> dict:
        if "masterImageId" not in body:
            body["masterImageId"] = self.master_image_id()
        return self.create("/core/projects", {"name": unique_name("project"), **body})

    def project_node(self, project_id: str, node_id: str) -> dict:
        return self.create("/core/project-nodes", {"projectId": project_id, "nodeId": node_id})

    def master_image_id(self) -> str:
        if self._master_image_id is None:
            images = self.list("/core/master-images")
            assert images, "FakeHub must seed master images (issue 3, deliverable 2)"
            self._master_image_id = str(images[0]["id"])
        return self._master_image_id

    def analysis(self, project_id: str | None = None, **body: Any) -> dict:
        if project_id is None:
            project_id = self.project()["id"]
        return self.create("/core/analyses", {"projectId": project_id, **body})

    def analysis_node(self, analysis_id: str, node_id: str) -> dict:
        return self.create("/core/analysis-nodes", {"analysisId": analysis_id, "nodeId": node_id})

    def registry(self, **body: Any) -> dict:
        name = body.pop("name", unique_name("registry"))
        return self.create("/core/registries", {"name": name, "host": f"{name}.example.org", **body})

    def registry_project(self, registry_id: str, **body: Any) -> dict:
        name = unique_name("regproj")
        return self.create(
            "/core/registry-projects",
            {"registryId": registry_id, "name": name, "externalName": name, "type": "default", **body},
        )

    def bucket(self, **body: Any) -> dict:
        return self.create("/storage/buckets", {"name": unique_name("bucket"), **body})

    def upload(self, bucket: str, files: dict[str, bytes], token: str | None = ADMIN) -> httpx.Response:
        """Multipart upload (core-and-storage.md §4.3): one part per file, the filename is the path."""
        parts = [(f"file[{i}]", (path, content)) for i, (path, content) in enumerate(files.items())]
        return self.post(f"/storage/buckets/{bucket}/upload", files=parts, token=token)

    def analysis_buckets(self, analysis_id: str) -> dict[str, dict]:
        """The analysis' buckets by type, waiting briefly (the Hub creates them asynchronously)."""

        def probe() -> dict[str, dict]:
            rows = self.list("/core/analysis-buckets", params={"filter[analysisId]": analysis_id})
            by_type = {row["type"]: row for row in rows}
            return by_type if {"CODE", "RESULT", "TEMP"} <= set(by_type) else {}

        return dict(self.wait_for(probe) or {})

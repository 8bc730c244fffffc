"""Helpers for the per-resource integration tests (plain code; the fixtures live in conftest.py).

* :class:`RecordingTransport` wraps the transport a test would use anyway and keeps every request, so a
  test can say "nothing was sent" or read what a multipart upload carried, on any backend;
* :func:`multipart_parts` reads the file parts of a recorded upload;
* :func:`eventually` polls for what a real Hub does asynchronously (analysis buckets, bucket-file
  registration) and returns at once when it is already true, as on FakeHub;
* :class:`Records` creates uniquely named records through the public client and registers their
  deletion, so tests stay runnable against a shared Hub.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import httpx

from flame_hub import Hub
from flame_hub.models.auth import Client, Permission, Realm, Role, Scope, User
from flame_hub.models.core import Analysis, Node, Project, ProjectNode, Registry
from flame_hub.models.storage import Bucket
from flame_hub.testing import HubBackend

T = TypeVar("T")


def ids(records: Iterable[Any]) -> list[UUID]:
    """The records' ids, in order: what "the same records" means (records compare by value)."""
    return [record.id for record in records]


class RecordingTransport(httpx.BaseTransport):
    """Passes requests on to ``inner`` and records them (bodies read first when ``read_bodies``)."""

    def __init__(self, inner: httpx.BaseTransport, *, read_bodies: bool = False) -> None:
        self.inner = inner
        self.read_bodies = read_bodies
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.read_bodies:
            request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

    def paths(self) -> list[str]:
        """The paths of the recorded requests, in order."""
        return [request.url.path for request in self.requests]


@dataclass(frozen=True)
class Part:
    """One file part of a multipart body."""

    filename: str
    content_type: str
    content: bytes


def multipart_parts(request: httpx.Request) -> list[Part]:
    """The file parts of a (read) multipart request, in order."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    parts: list[Part] = []
    for part in message.iter_parts():  # type: ignore[attr-defined]
        filename = part.get_param("filename", header="content-disposition")
        if filename is None:
            continue
        parts.append(Part(str(filename), part.get("content-type", ""), part.get_payload(decode=True) or b""))
    return parts


def eventually(fetch: Callable[[], T], until: Callable[[T], object] = bool, *, timeout: float = 15.0) -> T:
    """``fetch()``'s result once ``until`` holds for it (polling; no wait at all when it already does).

    For what a real Hub does in the background (analysis buckets, bucket-file registration, registry
    projects); FakeHub does it before answering, so there the first call returns.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still not there after {timeout} s: {result!r}")
        time.sleep(0.1)


class Records:
    """Creates records with unique names through ``hub`` and registers their deletion with ``cleanup``.

    Cleanup runs newest first, so children (analyses, memberships) go before their parents.
    """

    def __init__(self, hub: Hub, unique: Callable[[str], str], cleanup: Callable[[Callable[[], Any]], None]):
        self.hub = hub
        self._unique = unique
        self._cleanup = cleanup
        self._counter = itertools.count(1)
        self._realm_id: UUID | None = None

    def name(self, prefix: str) -> str:
        """A fresh lower-case name (authup/Hub name rules) that no other run uses."""
        return self._unique(f"{prefix}{next(self._counter)}")

    @property
    def realm_id(self) -> UUID:
        """The master realm's id (the admin's realm)."""
        if self._realm_id is None:
            realm = self.hub.auth.find_realms(filter={"name": "master"})[0]
            assert realm.id is not None
            self._realm_id = realm.id
        return self._realm_id

    # -- core ---------------------------------------------------------------------------------------------
    def node(self, **fields: Any) -> Node:
        fields.setdefault("name", self.name("node"))
        fields.setdefault("realm_id", self.realm_id)
        node = self.hub.core.create_node(**fields)
        self._cleanup(lambda: self.hub.core.delete_node(node))
        return node

    def master_image_id(self) -> UUID:
        image = self.hub.core.get_master_images(page={"limit": 1})[0]
        assert image.id is not None
        return image.id

    def project(self, **fields: Any) -> Project:
        fields.setdefault("name", self.name("project"))
        fields.setdefault("master_image_id", self.master_image_id())
        project = self.hub.core.create_project(**fields)
        self._cleanup(lambda: self.hub.core.delete_project(project))
        return project

    def member(self, project: Project, node: Node, *, approve: bool = False) -> ProjectNode:
        membership = self.hub.core.create_project_node(project, node)
        self._cleanup(lambda: self.hub.core.delete_project_node(membership))
        if approve and membership.approval_status != "approved":
            membership = self.hub.core.update_project_node(membership, approval_status="approved")
        return membership

    def analysis(self, project: Project, **fields: Any) -> Analysis:
        analysis = self.hub.core.create_analysis(project, **fields)
        self._cleanup(lambda: self.hub.core.delete_analysis(analysis))
        return analysis

    def registry(self, **fields: Any) -> Registry:
        name = self.name("registry")
        fields.setdefault("name", name)
        fields.setdefault("host", f"{name}.registry.test")
        registry = self.hub.core.create_registry(**fields)
        self._cleanup(lambda: self.hub.core.delete_registry(registry))
        return registry

    # -- storage --------------------------------------------------------------------------------------------
    def bucket(self, **fields: Any) -> Bucket:
        fields.setdefault("name", self.name("bucket"))
        bucket = self.hub.storage.create_bucket(**fields)
        self._cleanup(lambda: self.hub.storage.delete_bucket(bucket))
        return bucket

    # -- auth -----------------------------------------------------------------------------------------------
    def realm(self, **fields: Any) -> Realm:
        fields.setdefault("name", self.name("realm"))
        realm = self.hub.auth.create_realm(**fields)
        self._cleanup(lambda: self.hub.auth.delete_realm(realm))
        return realm

    def role(self, **fields: Any) -> Role:
        fields.setdefault("name", self.name("role"))
        role = self.hub.auth.create_role(**fields)
        self._cleanup(lambda: self.hub.auth.delete_role(role))
        return role

    def permission(self, **fields: Any) -> Permission:
        fields.setdefault("name", self.name("permission"))
        permission = self.hub.auth.create_permission(**fields)
        self._cleanup(lambda: self.hub.auth.delete_permission(permission))
        return permission

    def scope(self, **fields: Any) -> Scope:
        fields.setdefault("name", self.name("scope"))
        scope = self.hub.auth.create_scope(**fields)
        self._cleanup(lambda: self.hub.auth.delete_scope(scope))
        return scope

    def user(self, **fields: Any) -> User:
        name = fields.setdefault("name", self.name("user"))
        fields.setdefault("email", f"{name}@example.org")
        user = self.hub.auth.create_user(**fields)
        self._cleanup(lambda: self.hub.auth.delete_user(user))
        return user

    def client(self, **fields: Any) -> Client:
        fields.setdefault("name", self.name("client"))
        client = self.hub.auth.create_client(**fields)
        self._cleanup(lambda: self.hub.auth.delete_client(client))
        return client


def login(
    backend: HubBackend, auth: httpx.Auth | str | None, *, transport: httpx.BaseTransport | None = None
) -> Hub:
    """A ``Hub`` on the backend with another identity (a node's client, a user, a bare token) or none."""
    return Hub(backend.base_url, auth, transport=transport or backend.transport)

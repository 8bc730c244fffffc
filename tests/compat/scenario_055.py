"""A whole session written against flame-hub-client 0.5.5's public API, for a real Hub (issue 11).

It creates, reads, updates and deletes a record of every resource 0.5.5 knows, runs every special
operation (credentials, commands, uploads, streams, log deletion), reads with includes, filters, sorts
and pages, and provokes the errors a user meets (404, 409, 401). Nothing in it knows flame-hub: run it
with 0.5.5 installed to see that it is right, and with flame-hub to see that flame-hub is a drop-in::

    python tests/compat/scenario_055.py --url http://127.0.0.1:3000/          # flame-hub
    cd /tmp && /tmp/v055/bin/python /work/main/tests/compat/scenario_055.py --url …   # 0.5.5

It prints every call that did not do what the session expects and, at the end, how many client
method calls and HTTP requests it made and how many failed; the exit status is 1 when any failed.
Records are uniquely named and deleted at the end (also after a failure).
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import tarfile
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import flame_hub
from flame_hub.types import FilterOperator

#: The httpx the package is built on (0.5.5: httpx2; flame-hub: httpx).
HTTPX: Any = importlib.import_module(flame_hub.auth.StaticAuth.__mro__[1].__module__.split(".")[0])


class Session:
    """Counts calls and requests, and records every call that did not behave as expected."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url.rstrip("/")
        self.calls = 0
        self.requests = 0
        self.failures: list[str] = []
        self.undo: list[tuple[str, Callable[[], Any]]] = []
        self.run = uuid.uuid4().hex[:8]
        self.login = flame_hub.auth.PasswordAuth(
            username=username, password=password, base_url=f"{self.url}/auth/"
        )
        # the seed's documented form: the service clients take an httpx client that carries URL and auth
        self.auth = flame_hub.AuthClient(client=self._http("auth"))
        self.core = flame_hub.CoreClient(client=self._http("core"))
        self.storage = flame_hub.StorageClient(client=self._http("storage"))

    def _http(self, service: str) -> Any:
        def count(request: Any) -> None:
            if not request.url.path.endswith("/token"):
                self.requests += 1

        return HTTPX.Client(
            base_url=f"{self.url}/{service}/", auth=self.login, event_hooks={"request": [count]}
        )

    def name(self, prefix: str) -> str:
        return f"{prefix}-{self.run}"

    def call(self, label: str, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One client method call; an exception is a failure (and answers None)."""
        self.calls += 1
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            self.failures.append(f"{label}: {type(exc).__name__}: {exc}"[:400])
            return None

    def error(self, label: str, status: int, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A call that must raise HubAPIError with ``status`` (0.5.5's ``error_response.status_code``)."""
        self.calls += 1
        try:
            method(*args, **kwargs)
        except flame_hub.HubAPIError as exc:
            found = exc.error_response.status_code if exc.error_response is not None else None
            if found != status:
                self.failures.append(f"{label}: expected status {status}, got {found}: {exc}")
            return exc
        except Exception as exc:
            self.failures.append(f"{label}: expected HubAPIError {status}, got {type(exc).__name__}: {exc}")
            return None
        self.failures.append(f"{label}: expected HubAPIError {status}, nothing was raised")
        return None

    def check(self, label: str, condition: Callable[[], object]) -> None:
        """What an answer must show (not a call); a wrong or unreadable answer is a failure."""
        try:
            ok = condition()
        except Exception as exc:
            ok = False
            label = f"{label} ({type(exc).__name__}: {exc})"
        if not ok:
            self.failures.append(f"check failed: {label}")

    def created(self, label: str, record: Any, delete: Callable[[Any], Any]) -> Any:
        """Remember to delete a record at the end (unless the session deletes it itself)."""
        if record is not None:
            self.undo.append((label, lambda: delete(record)))
        return record

    def cleanup(self) -> None:
        """Delete what the session made, newest first (these deletes are calls of the session too)."""
        for label, action in reversed(self.undo):
            self.calls += 1
            try:
                action()
            except flame_hub.HubAPIError as exc:
                if (
                    exc.error_response is None or exc.error_response.status_code != 404
                ):  # 404: deleted already
                    self.failures.append(f"delete {label}: {exc}")
            except Exception as exc:
                self.failures.append(f"delete {label}: {type(exc).__name__}: {exc}")


def tar_names(data: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return sorted(tar.getnames())


def ids(records: Any) -> list[Any]:
    return [record.id for record in records or []]


def auth_resources(s: Session, made: dict[str, Any]) -> None:
    a, n = s.auth, s.name
    realm = s.created(
        "realm", s.call("create_realm", a.create_realm, n("realm"), display_name="Realm"), a.delete_realm
    )
    s.call("get_realm", a.get_realm, realm.id)
    by_name = s.call("find_realms", a.find_realms, filter={"name": n("realm")})
    s.check("find_realms by name", lambda: ids(by_name) == [realm.id])
    s.call("get_realms", a.get_realms)
    updated = s.call("update_realm", a.update_realm, realm, description="described")
    s.check("update_realm", lambda: updated.description == "described" and updated != realm)
    (master,) = s.call("find_realms master", a.find_realms, filter={"name": "master"}) or [None]
    made["master"] = master

    role = s.created("role", s.call("create_role", a.create_role, n("role"), "Role", "a role"), a.delete_role)
    made["role"] = role
    s.call("get_role", a.get_role, role_id=role.id)
    found = s.call("find_roles", a.find_roles, filter={"name": n("role")}, sort={"by": "name"})
    s.check("find_roles includes realm", lambda: found[0].realm.id == master.id)
    s.call("get_roles", a.get_roles, page={"limit": 5})
    s.call("update_role", a.update_role, role, display_name="Role Renamed")

    user = s.created(
        "user",
        s.call("create_user", a.create_user, n("user"), f"{n('user')}@example.org", display_name="User One"),
        a.delete_user,
    )
    made["user"] = user
    with_email = s.call("get_user email", a.get_user, user.id, fields=["email"])
    s.check("get_user fields=email", lambda: with_email.email == f"{n('user')}@example.org")
    s.call("find_users", a.find_users, filter={"name": n("user")})
    s.call("get_users", a.get_users)
    s.call("update_user", a.update_user, user_id=user.id, first_name="Ada", last_name=None)

    user_role = s.call("create_user_role", a.create_user_role, user, role)
    s.call("get_user_role", a.get_user_role, user_role.id)
    s.call("find_user_roles", a.find_user_roles, filter={"user_id": user.id})
    s.call("get_user_roles", a.get_user_roles)
    s.call("delete_user_role", a.delete_user_role, user_role)

    client = s.created(
        "client",
        s.call("create_client", a.create_client, n("client"), master, description="a machine client"),
        a.delete_client,
    )
    fetched = s.call("get_client", a.get_client, client_id=client.id)
    s.check("get_client includes realm", lambda: fetched.realm.name == "master")
    s.call("find_clients", a.find_clients, filter={"name": n("client")})
    s.call("get_clients", a.get_clients)
    s.call("update_client", a.update_client, client, display_name="Client One")
    s.call("delete_client", a.delete_client, client_id=client.id)
    gone = s.call("get_client (deleted)", a.get_client, client.id)
    s.check("a deleted client is None", lambda: gone is None)


def permissions(s: Session, made: dict[str, Any]) -> None:
    a, n, role, user, master = s.auth, s.name, made["role"], made["user"], made["master"]
    permission = s.created(
        "permission",
        s.call("create_permission", a.create_permission, n("permission"), realm_id=master.id),
        a.delete_permission,
    )
    s.call("get_permission", a.get_permission, permission.id)
    s.call("find_permissions", a.find_permissions, filter={"name": n("permission")})
    s.call("get_permissions", a.get_permissions)
    s.call("update_permission", a.update_permission, permission, description="a permission")

    binding = s.call("create_role_permission", a.create_role_permission, role, permission)
    s.call("get_role_permission", a.get_role_permission, binding.id)
    grants = s.call("find_role_permissions", a.find_role_permissions, filter={"role_id": role.id})
    s.check("role permission includes the permission", lambda: grants[0].permission.id == permission.id)
    s.call("get_role_permissions", a.get_role_permissions, page={"limit": 3})
    s.call("delete_role_permission", a.delete_role_permission, binding)

    user_permission = s.call("create_user_permission", a.create_user_permission, user, permission)
    s.call("get_user_permission", a.get_user_permission, user_permission.id)
    s.call("find_user_permissions", a.find_user_permissions, filter={"user_id": user.id})
    s.call("get_user_permissions", a.get_user_permissions)
    s.call("delete_user_permission", a.delete_user_permission, user_permission)


def core_resources(s: Session, made: dict[str, Any]) -> None:
    c, st, n, master = s.core, s.storage, s.name, made["master"]
    # master images (a catalog: read, and the commands)
    groups = s.call("get_master_image_groups", c.get_master_image_groups)
    s.call(
        "find_master_image_groups",
        c.find_master_image_groups,
        filter={"virtual_path": groups[0].virtual_path},
    )
    s.call("get_master_image_group", c.get_master_image_group, groups[0].id)
    images = s.call("get_master_images", c.get_master_images)
    image = images[0]
    s.call("find_master_images", c.find_master_images, filter={"virtual_path": image.virtual_path})
    s.call("get_master_image", c.get_master_image, master_image_id=image.id)
    s.call("sync_master_images", c.sync_master_images)
    s.call("build_master_image", c.build_master_image, image)

    registry = s.created(
        "registry",
        s.call("create_registry", c.create_registry, n("registry"), f"{n('harbor')}.example.org"),
        c.delete_registry,
    )
    s.call("get_registry", c.get_registry, registry.id)
    s.call("find_registries", c.find_registries, filter={"name": n("registry")})
    s.call("get_registries", c.get_registries)
    s.call("update_registry", c.update_registry, registry, account_name="robot")
    s.call("send_registry_command", c.send_registry_command, registry, "setup")
    registry_project = s.created(
        "registry project",
        s.call(
            "create_registry_project", c.create_registry_project, n("rproject"), "default", registry, n("ext")
        ),
        c.delete_registry_project,
    )
    fetched = s.call("get_registry_project", c.get_registry_project, registry_project.id)
    s.check("registry project includes registry", lambda: fetched.registry.id == registry.id)
    s.call("find_registry_projects", c.find_registry_projects, filter={"registry_id": registry.id})
    s.call("get_registry_projects", c.get_registry_projects)
    s.call("update_registry_project", c.update_registry_project, registry_project, name=n("rproject2"))

    nodes = [
        s.created(
            f"node {i}",
            s.call(
                "create_node",
                c.create_node,
                n(f"node-{i}"),
                master,
                registry_id=registry if kind == "default" else None,
                node_type=kind,
            ),
            c.delete_node,
        )
        for i, kind in enumerate(("default", "aggregator"))
    ]
    node = made["node"] = nodes[0]
    s.call("get_node", c.get_node, node_id=node.id)
    by_name = s.call(
        "find_nodes",
        c.find_nodes,
        filter={"name": (FilterOperator.like, n("node-1"))},
        sort={"by": "created_at", "order": "descending"},
        page={"limit": 10},
    )
    s.check("find_nodes ~ is ends-with", lambda: ids(by_name) == [nodes[1].id])
    both = s.call(
        "find_nodes list", c.find_nodes, filter={"name": f"{n('node-0')},{n('node-1')}"}, sort={"by": "name"}
    )
    s.check("find_nodes a,b sorted", lambda: ids(both) == ids(nodes))
    s.call("get_nodes", c.get_nodes)
    hidden = s.call("update_node", c.update_node, node, hidden=True, external_name=n("ext").replace("-", "_"))
    s.check("update_node", lambda: hidden.hidden is True and hidden != node)
    credentials = s.call("get_node_client_credentials", c.get_node_client_credentials, node)
    s.call(
        "update_node_client_credentials", c.update_node_client_credentials, node, secret="node-secret-0123"
    )
    as_node = flame_hub.CoreClient(
        base_url=f"{s.url}/core/",
        auth=flame_hub.auth.ClientAuth(str(credentials.id), "node-secret-0123", base_url=f"{s.url}/auth/"),
    )
    s.call("get_nodes as the node", as_node.get_nodes, page={"limit": 1})
    # a node with a registry has a registry project (a Harbor fills its account; without one it is empty)
    registry_credentials = s.call("get_node_registry_credentials", c.get_node_registry_credentials, node)
    s.check("registry credentials name the registry", lambda: registry_credentials.host == registry.host)

    project = s.created(
        "project",
        s.call(
            "create_project",
            c.create_project,
            n("project"),
            display_name="Project One",
            master_image_id=image.id,
        ),
        c.delete_project,
    )
    with_image = s.call("get_project", c.get_project, project.id)
    s.check("project includes master image", lambda: with_image.master_image.id == image.id)
    s.call("find_projects", c.find_projects, filter={"name": n("project")})
    s.call("get_projects", c.get_projects)
    s.call("update_project", c.update_project, project, description="a project")
    memberships = [
        s.created(
            "project node",
            s.call("create_project_node", c.create_project_node, project, each),
            c.delete_project_node,
        )
        for each in nodes
    ]
    s.call("get_project_node", c.get_project_node, memberships[0].id)
    listed = s.call("find_project_nodes", c.find_project_nodes, filter={"project_id": project.id})
    s.check("project nodes include their node", lambda: {m.node.id for m in listed} == set(ids(nodes)))
    s.check("project nodes include their project", lambda: listed[0].project.id == project.id)
    s.call("get_project_nodes", c.get_project_nodes)
    s.call("update_project_node", c.update_project_node, memberships[0], comment="welcome")

    analysis = s.created(
        "analysis",
        s.call(
            "create_analysis",
            c.create_analysis,
            project,
            n("analysis"),
            master_image_id=image.id,
            image_command_arguments=[{"value": "-u", "position": "before"}],
        ),
        c.delete_analysis,
    )
    made["analysis"] = analysis
    fetched_analysis = s.call("get_analysis", c.get_analysis, analysis.id)
    s.check("analysis includes project", lambda: fetched_analysis.project.id == project.id)
    s.call("find_analyses", c.find_analyses, filter={"project_id": project.id}, sort={"by": "name"})
    s.call("get_analyses", c.get_analyses)
    s.call("update_analysis", c.update_analysis, analysis, display_name="Analysis One")
    s.call("get_analysis_client_credentials", c.get_analysis_client_credentials, analysis)
    s.call(
        "update_analysis_client_credentials",
        c.update_analysis_client_credentials,
        analysis_id=analysis.id,
        secret=None,
    )
    s.error("configurationLock without code", 400, c.send_analysis_command, analysis, "configurationLock")

    participations = s.call("find_analysis_nodes", c.find_analysis_nodes, filter={"analysis_id": analysis.id})
    participation = (
        participations[0]
        if participations
        else s.call("create_analysis_node", c.create_analysis_node, analysis, node)
    )
    s.call("create_analysis_node (again)", c.create_analysis_node, analysis, nodes[0])
    s.call("get_analysis_node", c.get_analysis_node, participation.id)
    s.call("get_analysis_nodes", c.get_analysis_nodes)
    s.call("update_analysis_node", c.update_analysis_node, participation, comment="ready")

    s.call("create_analysis_node_log", c.create_analysis_node_log, analysis, node, "info", "hello")
    s.call(
        "find_analysis_node_logs",
        c.find_analysis_node_logs,
        filter={"analysis_id": analysis.id, "node_id": node.id},
    )
    s.call("delete_analysis_node_logs", c.delete_analysis_node_logs, analysis, node)
    s.call("find_analysis_logs", c.find_analysis_logs, filter={"analysis_id": analysis.id})
    s.call("delete_analysis_logs", c.delete_analysis_logs, analysis)

    # storage, and the links between an analysis and its buckets
    bucket = s.created("bucket", s.call("create_bucket", st.create_bucket, n("bucket")), st.delete_bucket)
    s.call("get_bucket", st.get_bucket, bucket.id)
    s.call("find_buckets", st.find_buckets, filter={"name": n("bucket")})
    s.call("get_buckets", st.get_buckets)
    files = s.call(
        "upload_to_bucket",
        st.upload_to_bucket,
        bucket,
        {"file_name": "main.py", "content": b"print('hello')\n"},
        {"file_name": "data/readme.txt", "content": "text", "content_type": "text/plain"},
    )
    by_path = {f.path: f for f in files}
    main = by_path["main.py"]
    s.call("get_bucket_file", st.get_bucket_file, main.id)
    found = s.call(
        "find_bucket_files", st.find_bucket_files, filter={"bucket_id": bucket.id}, sort={"by": "name"}
    )
    s.check("bucket files include bucket", lambda: found[0].bucket.id == bucket.id)
    s.call("get_bucket_files", st.get_bucket_files)
    content = s.call("stream_bucket_file", lambda: b"".join(st.stream_bucket_file(main)))
    s.check("stream_bucket_file", lambda: content == b"print('hello')\n")
    tarball = s.call("stream_bucket_tarball", lambda: b"".join(st.stream_bucket_tarball(bucket)))
    s.check("tarball", lambda: tar_names(tarball) == ["data/readme.txt", "main.py"])

    link = s.created(
        "analysis bucket",
        s.call("create_analysis_bucket", c.create_analysis_bucket, "CODE", bucket, analysis),
        c.delete_analysis_bucket,
    )
    s.call("get_analysis_bucket", c.get_analysis_bucket, link.id)
    s.call("find_analysis_buckets", c.find_analysis_buckets, filter={"analysis_id": analysis.id})
    s.call("get_analysis_buckets", c.get_analysis_buckets)
    entry = s.created(
        "analysis bucket file",
        s.call("create_analysis_bucket_file", c.create_analysis_bucket_file, "main.py", main, bucket, link),
        c.delete_analysis_bucket_file,
    )
    s.call("get_analysis_bucket_file", c.get_analysis_bucket_file, entry.id)
    s.call("find_analysis_bucket_files", c.find_analysis_bucket_files, filter={"analysis_bucket_id": link.id})
    s.call("get_analysis_bucket_files", c.get_analysis_bucket_files)
    root = s.call("update_analysis_bucket_file", c.update_analysis_bucket_file, entry, is_entrypoint=True)
    s.check("entrypoint", lambda: root.root is True)
    s.call("delete_analysis_bucket_file", c.delete_analysis_bucket_file, entry)
    s.call("delete_analysis_bucket", c.delete_analysis_bucket, link)
    s.call("delete_bucket_file", st.delete_bucket_file, by_path["data/readme.txt"])
    s.call("delete_analysis_node", c.delete_analysis_node, participation)
    s.call("delete_project_node", c.delete_project_node, memberships[1])
    s.call("delete_registry_project", c.delete_registry_project, registry_project)


def errors(s: Session, made: dict[str, Any]) -> None:
    c = s.core
    missing = s.call("get_node (missing)", c.get_node, uuid.uuid4())
    s.check("a missing record is None", lambda: missing is None)
    s.error("a duplicate node name", 409, c.create_node, made["node"].name)
    anonymous = flame_hub.CoreClient(base_url=f"{s.url}/core/")
    s.error("no token", 401, anonymous.get_nodes)
    s.call("delete_analysis", c.delete_analysis, made["analysis"])
    s.error("delete twice", 404, c.delete_analysis, made["analysis"])
    s.error("update a deleted record", 404, c.update_analysis, made["analysis"], display_name="Gone Analysis")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("FLAME_HUB_TEST_URL", "http://127.0.0.1:3000/"))
    parser.add_argument("--username", default=os.environ.get("FLAME_HUB_TEST_USERNAME", "admin"))
    parser.add_argument("--password", default=os.environ.get("FLAME_HUB_TEST_PASSWORD", "start123"))
    args = parser.parse_args(argv)
    session = Session(args.url, args.username, args.password)
    made: dict[str, Any] = {}
    try:
        for section in (auth_resources, permissions, core_resources, errors):
            try:
                section(session, made)
            except Exception:  # a step the section cannot continue past (the next section still runs)
                session.failures.append(f"{section.__name__} stopped:\n" + traceback.format_exc(limit=-1))
    finally:
        session.cleanup()
    package = "flame-hub" if hasattr(flame_hub, "Hub") else f"flame-hub-client {flame_hub.__version__}"
    for failure in session.failures:
        print("FAILED", failure)
    print(
        f"{package} against {session.url}: {session.calls} calls ({session.requests} HTTP requests to the "
        f"services), {len(session.failures)} failed"
    )
    return 1 if session.failures else 0


if __name__ == "__main__":
    sys.exit(main())

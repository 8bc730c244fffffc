"""The real Hub v0.14.0 in testcontainers, for ``--hub-backend docker``.

Images are pinned: authup ``authup/authup:1.0.0-beta.62`` (what Hub v0.14.0 pins), the Hub's own image
``ghcr.io/privateaim/hub:0.14.0`` (services ``core cli start`` and ``storage start``, as the
PrivateAIM/hub-deployment compose file starts them), MinIO for storage objects, and nginx in front so
that the paths are the public Hub's (``/auth/``, ``/core/``, ``/storage/``). The databases are sqlite
and there is no message bus, as in the deployment observed.md was recorded against.

Unsure: the environment-variable names come from the hub-deployment compose file (postgres-based) and
were not verified with sqlite; ``CLIENT_SYSTEM_ENABLED``/``CLIENT_SYSTEM_SECRET`` from auth.md §4.1.
This module cannot run where no Docker engine answers (our CI): :func:`docker_unavailable_reason`
says why and the fixture skips.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx

AUTHUP_IMAGE = "authup/authup:1.0.0-beta.62"
HUB_IMAGE = "ghcr.io/privateaim/hub:0.14.0"
MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z"
NGINX_IMAGE = "nginx:1.27-alpine"

_NGINX_CONF = """
events {}
http {
  client_max_body_size 0;
  server {
    listen 3000;
    location /auth/ { proxy_pass http://authup:3000/; proxy_set_header X-Forwarded-For $remote_addr; }
    location /core/ { proxy_pass http://core:3000/; }
    location /storage/ { proxy_pass http://storage:3000/; }
  }
}
"""


def docker_unavailable_reason() -> str | None:
    """Why the docker backend cannot run here (``None`` when a Docker engine answers)."""
    try:
        import docker  # type: ignore[import-untyped]
        import testcontainers  # noqa: F401
    except ImportError as exc:
        return f"the docker backend needs the 'docker' and 'testcontainers' packages ({exc.name} missing)"
    try:
        docker.from_env().ping()
    except Exception as exc:  # the docker SDK raises several unrelated types
        return f"no Docker engine answers ({type(exc).__name__})"
    return None


def _wait(url: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=5.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not come up within {timeout:.0f} s")
        time.sleep(2.0)


@contextmanager
def running_hub(admin_password: str = "start123") -> Iterator[str]:
    """Start the pinned Hub stack and yield its base URL; everything is removed afterwards."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.network import Network

    with ExitStack() as stack:
        network: Any = stack.enter_context(Network())

        def start(image: str, alias: str, **env: str) -> Any:
            container = DockerContainer(image).with_network(network).with_network_aliases(alias)
            for key, value in env.items():
                container = container.with_env(key, value)
            return container

        minio = start(MINIO_IMAGE, "minio", MINIO_ROOT_USER="admin", MINIO_ROOT_PASSWORD="start123")
        stack.enter_context(minio.with_command("server /data"))
        authup = start(
            AUTHUP_IMAGE,
            "authup",
            DB_TYPE="better-sqlite3",
            PUBLIC_URL="http://localhost:3000/auth/",
            USER_ADMIN_PASSWORD=admin_password,
            CLIENT_SYSTEM_ENABLED="true",
            CLIENT_SYSTEM_SECRET="start123",
        )
        stack.enter_context(authup)
        common = {"AUTHUP_URL": "http://authup:3000/", "DB_TYPE": "better-sqlite3"}
        stack.enter_context(start(HUB_IMAGE, "core", **common).with_command("core cli start"))
        storage = start(
            HUB_IMAGE, "storage", MINIO_CONNECTION_STRING="http://admin:start123@minio:9000", **common
        )
        stack.enter_context(storage.with_command("storage start"))
        nginx = start(NGINX_IMAGE, "front").with_exposed_ports(3000)
        nginx = nginx.with_command(
            'sh -c \'printf %s "$NGINX_CONF" > /etc/nginx/nginx.conf && nginx -g "daemon off;"\''
        ).with_env("NGINX_CONF", _NGINX_CONF)
        stack.enter_context(nginx)
        base_url = f"http://{nginx.get_container_host_ip()}:{nginx.get_exposed_port(3000)}"
        for service in ("auth", "core", "storage"):
            _wait(f"{base_url}/{service}/")
        yield base_url

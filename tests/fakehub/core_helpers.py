"""Raw-HTTP helpers for the core/storage unit tests (records through the public routes)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_counter = itertools.count(1)


def name(prefix: str) -> str:
    """A unique lower-case slug."""
    return f"{prefix}-{next(_counter)}"


class Core:
    """Creates records as ``headers`` (the admin by default) and returns their ``data``."""

    def __init__(self, http: httpx.Client, headers: dict[str, str]) -> None:
        self.http = http
        self.headers = headers

    def create(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        response = self.http.post(path, json=body, headers=headers or self.headers)
        assert response.status_code == 201, f"{path}: {response.status_code} {response.text}"
        return dict(response.json()["data"])

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
        response = self.http.get(path, params=params, headers=headers or self.headers)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        return dict(response.json()["data"])

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.http.get(path, params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return list(response.json()["data"])

    def node(self, **body: Any) -> dict[str, Any]:
        return self.create("/core/nodes", {"name": name("node"), **body})

    def image(self) -> str:
        return str(self.rows("/core/master-images")[0]["id"])

    def project(self, **body: Any) -> dict[str, Any]:
        return self.create("/core/projects", {"name": name("project"), "masterImageId": self.image(), **body})

    def member(self, project: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
        return self.create("/core/project-nodes", {"projectId": project["id"], "nodeId": node["id"]})

    def analysis(self, project: dict[str, Any], **body: Any) -> dict[str, Any]:
        return self.create("/core/analyses", {"projectId": project["id"], **body})

    def node_token(self, node: dict[str, Any]) -> dict[str, str]:
        """A Bearer header for the node's authup client (client_credentials with the client UUID)."""
        credentials = self.http.get(
            f"/core/nodes/{node['id']}/client/credentials", headers=self.headers
        ).json()
        response = self.http.post(
            "/auth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": credentials["id"],
                "client_secret": credentials["secret"],
            },
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def upload(self, bucket: str, files: dict[str, bytes]) -> httpx.Response:
        parts = [(f"file[{i}]", (path, data)) for i, (path, data) in enumerate(files.items())]
        return self.http.post(f"/storage/buckets/{bucket}/upload", files=parts, headers=self.headers)

    def buckets(self, analysis: dict[str, Any]) -> dict[str, dict[str, Any]]:
        rows = self.rows("/core/analysis-buckets", **{"filter[analysisId]": analysis["id"]})
        return {row["type"]: row for row in rows}

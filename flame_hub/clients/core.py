"""``CoreClient``: nodes, projects, analyses, registries, master images … (the Hub's core service).

Method and argument names are flame-hub-client 0.5.5's (for Hub >= 0.13). The resource methods are
declared (``declare`` below; see :mod:`flame_hub.clients.methods`), the credentials routes of nodes and
analyses too (:class:`~flame_hub.clients.operations.Credentials` …); the commands and the log deletion are
written out, each for a reason it states.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flame_hub.clients.base import BaseClient
from flame_hub.clients.methods import ResourceFacade, declare, special
from flame_hub.clients.operations import Arg, Create, Credentials, Find, RotateCredentials, Update, reads
from flame_hub.config import DEFAULT_CORE_URL
from flame_hub.engine.calls import Call, command_call, record_id
from flame_hub.engine.client import USE_CLIENT_AUTH, AuthArg, ServiceClient
from flame_hub.engine.http import lit
from flame_hub.engine.parsers import enveloped, record_parser
from flame_hub.models import core
from flame_hub.schema.record import IdLike

if TYPE_CHECKING:
    from flame_hub.clients.signatures import CoreSignatures as _Declared
else:
    _Declared = object

__all__ = ["CoreClient", "CoreMethods"]


class CoreMethods(ResourceFacade, _Declared):
    """Every core operation, shared by the sync and the async client."""

    # Managers (``hub.core.nodes.filter(…)``) come with the declarations below.

    # Commands go to a command route and answer with something other than the record sent.

    @special
    def sync_master_images(self, *, auth: AuthArg = USE_CLIENT_AUTH) -> None:
        """Ask the Hub to re-read the master-image catalog (it runs in the background)."""
        url = self.url(lit("master-images/command"))
        return self._run(command_call(self, url, {"command": "sync"}, lambda _r: None, auth=auth))

    @special
    def build_master_image(
        self, master_image_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> core.MasterImage | None:
        """Ask the Hub to build one master image; returns the image with its new build status."""
        url = self.url(lit("master-images/command"))
        body = {"command": "build", "id": record_id(core.MasterImage, master_image_id)}
        return self._run(command_call(self, url, body, enveloped(core.MasterImage, self), auth=auth))

    @special
    def send_analysis_command(
        self, analysis_id: IdLike, command: str, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> core.Analysis:
        """Send a command (``configurationLock``, ``buildStart`` …); returns the analysis in its new state."""
        url = self.url(lit("analyses"), record_id(core.Analysis, analysis_id), lit("command"))
        return self._run(
            command_call(self, url, {"command": command}, record_parser(core.Analysis, self), auth=auth)
        )

    @special
    def send_registry_command(
        self, registry_id: IdLike, command: str, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> None:
        """Send ``setup``, ``cleanup`` … to the registry service (runs in the background)."""
        url = self.url(lit("services/registry/command"))
        body = {"command": command, "id": record_id(core.Registry, registry_id)}
        return self._run(command_call(self, url, body, lambda _r: None, auth=auth))

    # Log lines are deleted in bulk, by filter, not by id.

    @special
    def delete_analysis_node_logs(
        self, analysis_id: IdLike, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> None:
        """Delete every log line of one analysis on one node."""
        params = [
            ("filter[analysisId]", record_id(core.Analysis, analysis_id)),
            ("filter[nodeId]", record_id(core.Node, node_id)),
        ]
        return self._run(_bulk_delete(self, "analysis-node-logs", params, auth))

    @special
    def delete_analysis_logs(self, analysis_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH) -> None:
        """Delete every log line of an analysis."""
        params = [("filter[analysisId]", record_id(core.Analysis, analysis_id))]
        return self._run(_bulk_delete(self, "analysis-logs", params, auth))


def _bulk_delete(
    client: ServiceClient, path: str, params: list[tuple[str, str]], auth: AuthArg
) -> Call[None]:
    url = client._address(lit(path))
    return Call(
        "DELETE", url, lambda _r: None, params=params, expected=(200, 202, 204), auth=auth, client=client
    )


declare(
    CoreMethods,
    *reads(core.Node),
    Create(core.Node, "name", "realm_id", "registry_id", "external_name", Arg("node_type", "type", default="default"),
           Arg("hidden", default=False)),
    Update(core.Node, "external_name", "hidden", Arg("node_type", "type"), "realm_id", "registry_id", "public_key"),
    # The credentials routes answer a flat object (no envelope, no meta) of an authup client or a Harbor robot.
    Credentials(core.Node, "client/credentials", core.ClientCredentials,
                "The node's authup client (id, name and secret) for ``ClientAuth``; None when there is no node."),
    RotateCredentials(core.Node, "Rotate the node client's secret (to ``secret``, or a random one) and rename the "
                      "client. The Hub issues a new random secret on every call that does not set one, a rename "
                      "included."),
    Credentials(core.Node, "registry/credentials", core.NodeRegistryCredentials,
                "The Harbor robot account of the node's registry project; None when there is no node."),
    *reads(core.MasterImageGroup),
    *reads(core.MasterImage),
    *reads(core.Project),
    Create(core.Project, "name", "display_name", "master_image_id", "description"),
    Update(core.Project, "description", "master_image_id", "name", "display_name"),
    *reads(core.ProjectNode),
    Create(core.ProjectNode, "project_id", "node_id"),
    Update(core.ProjectNode, "comment", "approval_status"),
    *reads(core.Analysis),
    Create(core.Analysis, "project_id", "name", "display_name", "description", "master_image_id", "registry_id",
           "image_command_arguments"),
    Update(core.Analysis, "name", "display_name", "description", "master_image_id", "image_command_arguments"),
    Credentials(core.Analysis, "client/credentials", core.ClientCredentials,
                "The analysis' authup client (id, name and secret); None when there is no analysis."),
    RotateCredentials(core.Analysis, "Rotate the analysis client's secret (to ``secret``, or a random one) and "
                      "rename the client."),
    *reads(core.AnalysisNode),
    Create(core.AnalysisNode, "analysis_id", "node_id"),
    Update(core.AnalysisNode, "comment", "approval_status", "execution_status", "execution_progress"),
    *reads(core.AnalysisNodeEvent),
    # Log lines are a telemetry proxy: listing needs the id filters (no get_<plural>), creating answers 202.
    Find(core.AnalysisLog),
    Find(core.AnalysisNodeLog),
    Create(core.AnalysisNodeLog, "analysis_id", "node_id", "level", "message", "status", "code", expected=(201, 202)),
    *reads(core.AnalysisBucket),
    Create(core.AnalysisBucket, Arg("bucket_type", "type"), "bucket_id", "analysis_id"),
    *reads(core.AnalysisBucketFile),
    Create(core.AnalysisBucketFile, "path", "bucket_file_id", "bucket_id", "analysis_bucket_id",
           Arg("is_entrypoint", "root", default=False)),
    Update(core.AnalysisBucketFile, Arg("is_entrypoint", "root")),
    *reads(core.Registry),
    Create(core.Registry, "name", "host", "account_name", "account_secret"),
    Update(core.Registry, "name", "host", "account_name", "account_secret"),
    *reads(core.RegistryProject),
    Create(core.RegistryProject, "name", Arg("registry_project_type", "type"), "registry_id", "external_name",
           "account_name", "account_secret"),
    Update(core.RegistryProject, "name", Arg("registry_project_type", "type"), "registry_id", "external_name",
           "account_name", "account_secret"),
)  # fmt: skip


class CoreClient(BaseClient, CoreMethods):
    """Client of the Hub's core service, at ``https://host/core/``."""

    service = "core"
    default_url = DEFAULT_CORE_URL

"""``CoreClient``: nodes, projects, analyses, registries, master images … (the Hub's core service).

Method and argument names are the existing client's (v0.5.5 for Hub >= 0.13). Reads and deletes are
declared one line per resource; create/update methods only map their arguments to fields; the
special routes (credentials, commands, log deletion) build their calls from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from flame_hub._unset import UNSET, Unset
from flame_hub.clients.base import USE_CLIENT_AUTH, AuthArg, BaseClient, lit
from flame_hub.clients.engine import (
    Call,
    bare,
    command_call,
    create_call,
    enveloped,
    record_id,
    record_parser,
)
from flame_hub.clients.methods import (
    ClientManager,
    DeleteMethod,
    FindMethod,
    GetAllMethod,
    GetMethod,
    ResourceFacade,
)
from flame_hub.config import DEFAULT_CORE_URL
from flame_hub.exceptions import FieldError
from flame_hub.models.base import IdLike, Resource
from flame_hub.models.core import (
    Analysis,
    AnalysisBucket,
    AnalysisBucketFile,
    AnalysisLog,
    AnalysisNode,
    AnalysisNodeEvent,
    AnalysisNodeLog,
    ClientCredentials,
    Log,
    MasterImage,
    MasterImageCommandArgument,
    MasterImageGroup,
    Node,
    NodeRegistryCredentials,
    Project,
    ProjectNode,
    Registry,
    RegistryProject,
)

__all__ = ["CoreClient", "CoreMethods"]


def _read_only_arg(model: type[Resource], argument: str, value: object) -> None:
    """The existing client accepted some arguments the Hub v0.14 no longer takes; say so instead of dropping them."""
    if value is not None and value is not UNSET:
        raise FieldError(
            f"{argument} cannot be sent for {model.__name__}: Hub v0.14 sets it itself (the argument is kept only "
            "so that calls written for older Hubs still run when they leave it unset)"
        )


class CoreMethods(ResourceFacade):
    """Every core operation, shared by the sync and the async client."""

    # -- managers: ``hub.core.nodes.filter(…)`` queries through this client ------------------------
    nodes = ClientManager(Node)
    projects = ClientManager(Project)
    project_nodes = ClientManager(ProjectNode)
    analyses = ClientManager(Analysis)
    analysis_nodes = ClientManager(AnalysisNode)
    analysis_node_events = ClientManager(AnalysisNodeEvent)
    analysis_logs = ClientManager(AnalysisLog)
    analysis_node_logs = ClientManager(AnalysisNodeLog)
    analysis_buckets = ClientManager(AnalysisBucket)
    analysis_bucket_files = ClientManager(AnalysisBucketFile)
    registries = ClientManager(Registry)
    registry_projects = ClientManager(RegistryProject)
    master_images = ClientManager(MasterImage)
    master_image_groups = ClientManager(MasterImageGroup)

    # -- nodes ------------------------------------------------------------------------------------
    get_nodes = GetAllMethod(Node)
    find_nodes = FindMethod(Node)
    get_node = GetMethod(Node)
    delete_node = DeleteMethod(Node)

    def create_node(
        self,
        name: str,
        realm_id: IdLike | None = None,
        registry_id: IdLike | None = None,
        external_name: str | None = None,
        node_type: str = "default",
        hidden: bool = False,
        *,
        public_key: str | None = None,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Node:
        """Create a node; without ``realm_id`` it lands in the caller's realm."""
        return self._create(
            Node,
            auth,
            name=name,
            realm_id=realm_id if realm_id is not None else UNSET,
            registry_id=registry_id,
            external_name=external_name,
            type=node_type,
            hidden=hidden,
            public_key=public_key if public_key is not None else UNSET,
        )

    def update_node(
        self,
        node_id: IdLike,
        external_name: str | Unset | None = UNSET,
        hidden: bool | Unset = UNSET,
        node_type: str | Unset = UNSET,
        realm_id: IdLike | Unset = UNSET,
        registry_id: IdLike | Unset | None = UNSET,
        public_key: str | Unset | None = UNSET,
        *,
        name: str | Unset = UNSET,
        client_id: IdLike | Unset | None = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Node:
        """Change only the given fields (``None`` clears one); a node never moves realm."""
        _read_only_arg(Node, "realm_id", realm_id)
        return self._update(
            Node,
            node_id,
            auth,
            external_name=external_name,
            hidden=hidden,
            type=node_type,
            registry_id=registry_id,
            public_key=public_key,
            name=name,
            client_id=client_id,
        )

    def get_node_client_credentials(
        self, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ClientCredentials:
        """The node's authup client (id, name and secret) for ``ClientAuth``."""
        url = self._core_url("nodes", Node, node_id, "client/credentials")
        return self._execute(Call("GET", url, bare(ClientCredentials), auth=auth))

    def update_node_client_credentials(
        self,
        node_id: IdLike,
        secret: str | Unset | None = UNSET,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> ClientCredentials:
        """Rotate the node client's secret (a new random one unless ``secret`` is given)."""
        url = self._core_url("nodes", Node, node_id, "client/credentials")
        body = {
            k: v
            for k, v in (("secret", secret), ("name", name), ("displayName", display_name))
            if v is not UNSET
        }
        if body.get("secret") is None:
            body.pop("secret", None)
        return self._execute(Call("POST", url, bare(ClientCredentials), json=body, auth=auth))

    def get_node_registry_credentials(
        self, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> NodeRegistryCredentials:
        """The Harbor robot account of the node's registry project."""
        url = self._core_url("nodes", Node, node_id, "registry/credentials")
        return self._execute(Call("GET", url, bare(NodeRegistryCredentials), auth=auth))

    # -- master images ---------------------------------------------------------------------------
    get_master_image_groups = GetAllMethod(MasterImageGroup)
    find_master_image_groups = FindMethod(MasterImageGroup)
    get_master_image_group = GetMethod(MasterImageGroup)
    delete_master_image_group = DeleteMethod(MasterImageGroup)
    get_master_images = GetAllMethod(MasterImage)
    find_master_images = FindMethod(MasterImage)
    get_master_image = GetMethod(MasterImage)
    delete_master_image = DeleteMethod(MasterImage)

    def sync_master_images(self, *, auth: AuthArg = USE_CLIENT_AUTH) -> None:
        """Ask the Hub to re-read the master-image catalog (it runs in the background)."""
        url = self.url(lit("master-images/command"))
        return self._execute(command_call(self, url, {"command": "sync"}, lambda _r: None, auth=auth))

    def build_master_image(
        self, master_image_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> MasterImage | None:
        """Ask the Hub to build one master image; returns the image with its new build status."""
        url = self.url(lit("master-images/command"))
        body = {"command": "build", "id": record_id(MasterImage, master_image_id)}
        return self._execute(command_call(self, url, body, enveloped(MasterImage, self), auth=auth))

    # -- projects --------------------------------------------------------------------------------
    get_projects = GetAllMethod(Project)
    find_projects = FindMethod(Project)
    get_project = GetMethod(Project)
    delete_project = DeleteMethod(Project)

    def create_project(
        self,
        name: str | None = None,
        display_name: str | None = None,
        master_image_id: IdLike | None = None,
        description: str | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Project:
        """Create a project (the Hub generates a name when none is given)."""
        return self._create(
            Project,
            auth,
            name=name if name is not None else UNSET,
            display_name=display_name,
            master_image_id=master_image_id,
            description=description,
        )

    def update_project(
        self,
        project_id: IdLike,
        description: str | Unset | None = UNSET,
        master_image_id: IdLike | Unset | None = UNSET,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Project:
        """Change only the given fields."""
        return self._update(
            Project,
            project_id,
            auth,
            description=description,
            master_image_id=master_image_id,
            name=name,
            display_name=display_name,
        )

    # -- project nodes ---------------------------------------------------------------------------
    get_project_nodes = GetAllMethod(ProjectNode)
    find_project_nodes = FindMethod(ProjectNode)
    get_project_node = GetMethod(ProjectNode)
    delete_project_node = DeleteMethod(ProjectNode)

    def create_project_node(
        self, project_id: IdLike, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ProjectNode:
        """Invite a node into a project (the node's realm then approves or rejects)."""
        return self._create(ProjectNode, auth, project_id=project_id, node_id=node_id)

    def update_project_node(
        self,
        project_node_id: IdLike,
        comment: str | Unset | None = UNSET,
        approval_status: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> ProjectNode:
        """Approve or reject a project invitation (as the node's realm)."""
        return self._update(
            ProjectNode, project_node_id, auth, comment=comment, approval_status=approval_status
        )

    # -- analyses --------------------------------------------------------------------------------
    get_analyses = GetAllMethod(Analysis)
    find_analyses = FindMethod(Analysis)
    get_analysis = GetMethod(Analysis)
    delete_analysis = DeleteMethod(Analysis)

    def create_analysis(
        self,
        project_id: IdLike,
        name: str | None = None,
        display_name: str | None = None,
        description: str | None = None,
        master_image_id: IdLike | None = None,
        registry_id: IdLike | None = None,
        image_command_arguments: Sequence[MasterImageCommandArgument | dict[str, Any]] | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Analysis:
        """Create an analysis in a project (the Hub generates a name when none is given)."""
        return self._create(
            Analysis,
            auth,
            project_id=project_id,
            name=name if name is not None else UNSET,
            display_name=display_name,
            description=description,
            master_image_id=master_image_id if master_image_id is not None else UNSET,
            registry_id=registry_id,
            image_command_arguments=_command_arguments(image_command_arguments),
        )

    def update_analysis(
        self,
        analysis_id: IdLike,
        name: str | Unset = UNSET,
        display_name: str | Unset | None = UNSET,
        description: str | Unset | None = UNSET,
        master_image_id: IdLike | Unset | None = UNSET,
        image_command_arguments: Sequence[MasterImageCommandArgument | dict[str, Any]] | Unset | None = UNSET,
        *,
        registry_id: IdLike | Unset | None = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Analysis:
        """Change only the given fields."""
        return self._update(
            Analysis,
            analysis_id,
            auth,
            name=name,
            display_name=display_name,
            description=description,
            master_image_id=master_image_id,
            image_command_arguments=(
                image_command_arguments
                if image_command_arguments is UNSET
                else _command_arguments(image_command_arguments)
            ),
            registry_id=registry_id,
        )

    def send_analysis_command(
        self, analysis_id: IdLike, command: str, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> Analysis:
        """Send a command (``configurationLock``, ``buildStart`` …); returns the analysis in its new state."""
        url = self._core_url("analyses", Analysis, analysis_id, "command")
        return self._execute(
            command_call(self, url, {"command": command}, record_parser(Analysis, self), auth=auth)
        )

    def get_analysis_client_credentials(
        self, analysis_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> ClientCredentials:
        """The analysis' authup client (id, name and secret)."""
        url = self._core_url("analyses", Analysis, analysis_id, "client/credentials")
        return self._execute(Call("GET", url, bare(ClientCredentials), auth=auth))

    def update_analysis_client_credentials(
        self,
        analysis_id: IdLike,
        secret: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> ClientCredentials:
        """Rotate the analysis client's secret (a new random one unless ``secret`` is given)."""
        url = self._core_url("analyses", Analysis, analysis_id, "client/credentials")
        body = {} if secret is UNSET or secret is None else {"secret": secret}
        return self._execute(Call("POST", url, bare(ClientCredentials), json=body, auth=auth))

    # -- analysis nodes --------------------------------------------------------------------------
    get_analysis_nodes = GetAllMethod(AnalysisNode)
    find_analysis_nodes = FindMethod(AnalysisNode)
    get_analysis_node = GetMethod(AnalysisNode)
    delete_analysis_node = DeleteMethod(AnalysisNode)

    def create_analysis_node(
        self, analysis_id: IdLike, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> AnalysisNode:
        """Add a node to an analysis (idempotent: an existing pair is returned)."""
        return self._create(AnalysisNode, auth, analysis_id=analysis_id, node_id=node_id)

    def update_analysis_node(
        self,
        analysis_node_id: IdLike,
        comment: str | Unset | None = UNSET,
        approval_status: str | Unset | None = UNSET,
        execution_status: str | Unset | None = UNSET,
        execution_progress: int | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> AnalysisNode:
        """Approve, comment or report execution (as the node's realm)."""
        return self._update(
            AnalysisNode,
            analysis_node_id,
            auth,
            comment=comment,
            approval_status=approval_status,
            execution_status=execution_status,
            execution_progress=execution_progress,
        )

    get_analysis_node_events = GetAllMethod(AnalysisNodeEvent)
    find_analysis_node_events = FindMethod(AnalysisNodeEvent)
    get_analysis_node_event = GetMethod(AnalysisNodeEvent)

    # -- logs ------------------------------------------------------------------------------------
    find_analysis_logs = FindMethod(AnalysisLog)
    find_analysis_node_logs = FindMethod(AnalysisNodeLog)

    def create_analysis_node_log(
        self,
        analysis_id: IdLike,
        node_id: IdLike,
        level: str,
        message: str,
        status: str | None = None,
        code: str | None = None,
        *,
        labels: dict[str, str] | None = None,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Log:
        """Write a log line for an analysis on a node (answered with 202 and the stored line)."""
        data: dict[str, Any] = {
            "analysis_id": analysis_id,
            "node_id": node_id,
            "level": level,
            "message": message,
        }
        for key, value in (("status", status), ("code", code), ("labels", labels)):
            if value is not None:
                data[key] = value
        return self._execute(
            create_call(self, AnalysisNodeLog, data, auth=auth, client=self, expected=(201, 202))
        )

    def delete_analysis_node_logs(
        self, analysis_id: IdLike, node_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> None:
        """Delete every log line of one analysis on one node."""
        params = [
            ("filter[analysisId]", record_id(Analysis, analysis_id)),
            ("filter[nodeId]", record_id(Node, node_id)),
        ]
        url = self.url(lit("analysis-node-logs"))
        return self._execute(
            Call("DELETE", url, lambda _r: None, params=params, expected=(200, 202, 204), auth=auth)
        )

    def delete_analysis_logs(self, analysis_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH) -> None:
        """Delete every log line of an analysis."""
        params = [("filter[analysisId]", record_id(Analysis, analysis_id))]
        url = self.url(lit("analysis-logs"))
        return self._execute(
            Call("DELETE", url, lambda _r: None, params=params, expected=(200, 202, 204), auth=auth)
        )

    # -- analysis buckets and their files ----------------------------------------------------------
    get_analysis_buckets = GetAllMethod(AnalysisBucket)
    find_analysis_buckets = FindMethod(AnalysisBucket)
    get_analysis_bucket = GetMethod(AnalysisBucket)
    delete_analysis_bucket = DeleteMethod(AnalysisBucket)

    def create_analysis_bucket(
        self, bucket_type: str, bucket_id: IdLike, analysis_id: IdLike, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> AnalysisBucket:
        """Link a storage bucket to an analysis as its CODE, RESULT or TEMP bucket."""
        return self._create(
            AnalysisBucket, auth, type=bucket_type, bucket_id=bucket_id, analysis_id=analysis_id
        )

    get_analysis_bucket_files = GetAllMethod(AnalysisBucketFile)
    find_analysis_bucket_files = FindMethod(AnalysisBucketFile)
    get_analysis_bucket_file = GetMethod(AnalysisBucketFile)
    delete_analysis_bucket_file = DeleteMethod(AnalysisBucketFile)

    def create_analysis_bucket_file(
        self,
        path: str,
        bucket_file_id: IdLike,
        bucket_id: IdLike,
        analysis_bucket_id: IdLike,
        is_entrypoint: bool = False,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> AnalysisBucketFile:
        """Register a storage file with an analysis bucket (``is_entrypoint`` marks the root code file)."""
        return self._create(
            AnalysisBucketFile,
            auth,
            path=path,
            bucket_file_id=bucket_file_id,
            bucket_id=bucket_id,
            analysis_bucket_id=analysis_bucket_id,
            root=is_entrypoint,
        )

    def update_analysis_bucket_file(
        self,
        analysis_bucket_file_id: IdLike,
        is_entrypoint: bool | Unset = UNSET,
        *,
        path: str | Unset = UNSET,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> AnalysisBucketFile:
        """Mark or unmark the entrypoint, or rename the registered path."""
        return self._update(AnalysisBucketFile, analysis_bucket_file_id, auth, root=is_entrypoint, path=path)

    # -- registries ----------------------------------------------------------------------------------
    get_registries = GetAllMethod(Registry)
    find_registries = FindMethod(Registry)
    get_registry = GetMethod(Registry)
    delete_registry = DeleteMethod(Registry)

    def create_registry(
        self,
        name: str,
        host: str,
        account_name: str | None = None,
        account_secret: str | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Registry:
        """Register a Harbor registry."""
        return self._create(
            Registry, auth, name=name, host=host, account_name=account_name, account_secret=account_secret
        )

    def update_registry(
        self,
        registry_id: IdLike,
        name: str | Unset = UNSET,
        host: str | Unset = UNSET,
        account_name: str | Unset | None = UNSET,
        account_secret: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> Registry:
        """Change only the given fields."""
        return self._update(
            Registry,
            registry_id,
            auth,
            name=name,
            host=host,
            account_name=account_name,
            account_secret=account_secret,
        )

    def send_registry_command(
        self, registry_id: IdLike, command: str, *, auth: AuthArg = USE_CLIENT_AUTH
    ) -> None:
        """Send ``setup``, ``cleanup`` … to the registry service (runs in the background)."""
        url = self.url(lit("services/registry/command"))
        body = {"command": command, "id": record_id(Registry, registry_id)}
        return self._execute(command_call(self, url, body, lambda _r: None, auth=auth))

    get_registry_projects = GetAllMethod(RegistryProject)
    find_registry_projects = FindMethod(RegistryProject)
    get_registry_project = GetMethod(RegistryProject)
    delete_registry_project = DeleteMethod(RegistryProject)

    def create_registry_project(
        self,
        name: str,
        registry_project_type: str,
        registry_id: IdLike,
        external_name: str,
        account_name: str | None = None,
        account_secret: str | None = None,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> RegistryProject:
        """Create a registry project (the Hub fills the Harbor account itself)."""
        _read_only_arg(RegistryProject, "account_name", account_name)
        _read_only_arg(RegistryProject, "account_secret", account_secret)
        return self._create(
            RegistryProject,
            auth,
            name=name,
            type=registry_project_type,
            registry_id=registry_id,
            external_name=external_name,
        )

    def update_registry_project(
        self,
        registry_project_id: IdLike,
        name: str | Unset = UNSET,
        registry_project_type: str | Unset = UNSET,
        registry_id: IdLike | Unset = UNSET,
        external_name: str | Unset = UNSET,
        account_name: str | Unset | None = UNSET,
        account_secret: str | Unset | None = UNSET,
        *,
        auth: AuthArg = USE_CLIENT_AUTH,
    ) -> RegistryProject:
        """Change the name or external name (the other arguments are fixed at create or server-owned)."""
        for argument, value in (
            ("registry_project_type", registry_project_type),
            ("registry_id", registry_id),
            ("account_name", account_name),
            ("account_secret", account_secret),
        ):
            _read_only_arg(RegistryProject, argument, value)
        return self._update(
            RegistryProject, registry_project_id, auth, name=name, external_name=external_name
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _core_url(self, path: str, model: type[Resource], ident: object, tail: str) -> httpx.URL:
        return self.url(lit(path), record_id(model, ident), lit(tail))


def _command_arguments(
    arguments: Sequence[MasterImageCommandArgument | dict[str, Any]] | None,
) -> list[dict[str, Any]] | None:
    """Copy command arguments into wire dicts (never mutating the caller's list or dicts)."""
    if arguments is None:
        return None
    out: list[dict[str, Any]] = []
    for argument in arguments:
        item = (
            argument
            if isinstance(argument, MasterImageCommandArgument)
            else MasterImageCommandArgument.model_validate(argument)
        )
        out.append(item.model_dump(mode="json", by_alias=True, exclude_none=True))
    return out


class CoreClient(BaseClient, CoreMethods):
    """Client of the Hub's core service, at ``https://host/core/``."""

    service = "core"
    default_url = DEFAULT_CORE_URL

"""The existing client's public types: filter operators and the page/sort/filter parameters of ``find_*``."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from typing_extensions import TypedDict

from flame_hub._unset import UNSET, Unset
from flame_hub.query.query import FieldSelection

__all__ = [
    "DEFAULT_PAGE_PARAMS",
    "UNSET",
    "ActorType",
    "AnalysisBucketType",
    "AnalysisCommand",
    "AnalysisNodeApprovalStatus",
    "ApprovalStatus",
    "ClientAuthMethod",
    "CommandArgumentPosition",
    "DecisionStrategy",
    "FilterOperator",
    "FilterParams",
    "LogChannel",
    "LogLevel",
    "MasterImageCommand",
    "NodeType",
    "PageParams",
    "ProcessStatus",
    "ProjectNodeApprovalStatus",
    "RealmScope",
    "RegistryCommand",
    "RegistryProjectType",
    "SortParams",
    "TokenBindingMethod",
    "Unset",
    "only",
]


class FilterOperator(str, Enum):
    """Operators of the Hub's bracket filter dialect, as the existing client names them.

    Used in ``find_*(filter={"name": (FilterOperator.like, "x")})``.
    """

    eq = "="
    neq = "!"
    like = "~"
    lt = "<"
    le = "<="
    gt = ">"
    ge = ">="


class PageParams(TypedDict, total=False):
    """``page={"limit": 10, "offset": 20}``; the Hub caps ``limit`` at 50."""

    limit: int
    offset: int


class SortParams(TypedDict, total=False):
    """``sort={"by": "created_at", "order": "descending"}`` (one key; a list of these gives several)."""

    by: str
    order: Literal["ascending", "descending"]


#: ``{"name": "x"}``, ``{"name": (FilterOperator.like, "x")}``, ``{"id": [a, b]}``, ``{"registry_id": None}``.
FilterParams = dict[str, Any]

#: The default page, 50 records from the first (the name flame-hub-client 0.5.5 exports it under).
DEFAULT_PAGE_PARAMS: PageParams = {"limit": 50, "offset": 0}


# -- the Hub's enumerations -----------------------------------------------------------------------------
# The values the Hub knows today (core-and-storage.md §3.17, auth.md §3). The models type these fields as
# ``Literal[...] | str`` so that a value a later Hub adds parses as a plain string instead of failing.

#: ``node.type``.
NodeType = Literal["aggregator", "default"]
#: Build, distribution and execution status of analyses and analysis-nodes; master-image build status.
ProcessStatus = Literal["starting", "started", "stopping", "stopped", "executing", "executed", "failed"]
#: Approval of a project-node or analysis-node; ``None`` on the record means pending.
ApprovalStatus = Literal["approved", "rejected"]
#: ``projectNode.approvalStatus`` (flame-hub-client 0.5.5's name).
ProjectNodeApprovalStatus = ApprovalStatus
#: ``analysisNode.approvalStatus`` (flame-hub-client 0.5.5's name).
AnalysisNodeApprovalStatus = ApprovalStatus
#: ``registryProject.type``.
RegistryProjectType = Literal["default", "aggregator", "incoming", "outgoing", "masterImages", "node"]
#: ``POST analyses/:id/command``.
AnalysisCommand = Literal[
    "buildStart",
    "buildCheck",
    "configurationLock",
    "configurationUnlock",
    "distributionStart",
    "distributionCheck",
    "storageCheck",
]
#: ``POST master-images/command``.
MasterImageCommand = Literal["sync", "build"]
#: ``POST services/registry/command``.
RegistryCommand = Literal["setup", "cleanup", "delete", "projectLink", "projectUnlink"]
#: Where an image command argument goes relative to the image's command.
CommandArgumentPosition = Literal["before", "after"]
#: Severity of an analysis(-node) log entry.
LogLevel = Literal["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"]
#: Where a log entry was produced.
LogChannel = Literal["http", "websocket", "background", "system"]
#: Kind of identity that created a storage record (``actorType``).
ActorType = Literal["user", "robot", "client"]
#: ``client.authMethod`` (authup): ``none`` is a public client that cannot use client_credentials.
ClientAuthMethod = Literal["none", "secret", "tls"]
#: ``client.tokenBindingMethod`` (authup).
TokenBindingMethod = Literal["none", "tls"]
#: ``realmScope`` of a permission binding (authup): how far the grant reaches from the holder's realm.
RealmScope = Literal["none", "own", "ownOrNull", "any"]
#: ``permission.decisionStrategy`` (authup): how the permission's policies combine.
DecisionStrategy = Literal["affirmative", "unanimous", "consensus"]


class AnalysisBucketType(str, Enum):
    """Kind of storage bucket linked to an analysis; a ``str`` Enum as in the existing client (0.2.11+).

    Members compare equal to their strings (``AnalysisBucketType.CODE == "CODE"``); a type the Hub adds
    later parses as a plain string on the model.
    """

    CODE = "CODE"
    RESULT = "RESULT"
    TEMP = "TEMP"


def only(*names: str) -> FieldSelection:
    """``fields=only("id", "name")``: ask for exactly these columns (plus ``id``) instead of adding to the
    default projection as plain ``fields=["email"]`` does."""
    return FieldSelection(only=tuple(names))

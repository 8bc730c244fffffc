"""The existing client's public types: filter operators and the page/sort/filter parameters of ``find_*``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import Enum
from typing import IO, Any, Literal, Protocol, TypeVar, Union

import httpx
from typing_extensions import NotRequired, TypedDict

from flame_hub._unset import UNSET, Unset
from flame_hub.query.query import FieldSelection
from flame_hub.schema.envelopes import ListMeta, SingleResourceMeta
from flame_hub.schema.record import Record

__all__ = [
    "DEFAULT_PAGE_PARAMS",
    "UNSET",
    "UNSET_T",
    "ActorType",
    "AnalysisBucketType",
    "AnalysisCommand",
    "AnalysisNodeApprovalStatus",
    "ApprovalStatus",
    "AuthParam",
    "BaseKwargs",
    "ClientAuthMethod",
    "CommandArgumentPosition",
    "DecisionStrategy",
    "FieldParams",
    "FilterOperator",
    "FilterParams",
    "FindAllKwargs",
    "GetKwargs",
    "IncludeParams",
    "LogChannel",
    "LogLevel",
    "MasterImageCommand",
    "MasterImageCommandArgument",
    "NodeType",
    "PageParams",
    "ProcessStatus",
    "ProjectNodeApprovalStatus",
    "ReadableBinary",
    "RealmScope",
    "RegistryCommand",
    "RegistryProjectType",
    "ResourceListResult",
    "ResourceT",
    "SingleResourceResult",
    "SortParams",
    "TokenBindingMethod",
    "Unset",
    "UploadFile",
    "UuidIdentifiable",
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


# -- flame-hub-client 0.5.5's typing names ---------------------------------------------------------------
# Kept so that annotations written against 0.5.5 still resolve; the clients' own signatures are typed
# with the same shapes.

#: ``UNSET``'s type, for annotations (``hidden: bool | UNSET_T = UNSET``).
UNSET_T = Unset

#: A record type.
ResourceT = TypeVar("ResourceT", bound=Record)

#: Whatever addresses a record: the record itself, its UUID, or its id as text.
UuidIdentifiable = Record | uuid.UUID | str

#: Per-request auth: a flow, a raw bearer token, or None for no ``Authorization`` header.
AuthParam = httpx.Auth | str | None

#: ``include="realm"`` or ``include=["realm", …]``.
IncludeParams = str | Iterable[str]

#: ``fields="email"`` or ``fields=["email", …]`` (``-name`` removes a column, see :func:`only`).
FieldParams = str | Iterable[str] | FieldSelection

#: What ``find_<plural>(meta=…)`` returns: the records, or the records and the list's meta.
ResourceListResult = list[ResourceT] | tuple[list[ResourceT], ListMeta]

#: What ``get_<singular>(id, meta=…)`` returns: the record, or it and its meta; None when it does not exist.
SingleResourceResult = Union[ResourceT, tuple[ResourceT, SingleResourceMeta], None]  # noqa: UP007 - see above


class BaseKwargs(TypedDict, total=False):
    """The keyword every method takes: ``auth`` for this one request."""

    auth: AuthParam


class GetKwargs(BaseKwargs, total=False):
    """The keywords of ``get_<singular>``: extra ``fields``, the relations to ``include``, ``meta``."""

    fields: FieldParams | None
    include: IncludeParams | None
    meta: bool


class FindAllKwargs(GetKwargs, total=False):
    """The keywords of ``find_<plural>`` (and ``get_<plural>``): those of a get, and the query."""

    filter: FilterParams | None
    page: PageParams | None
    sort: SortParams | list[SortParams] | str | None


class MasterImageCommandArgument(TypedDict):
    """One command argument as a dict (``create_analysis(..., image_command_arguments=[...])``).

    Records carry them parsed, as :class:`flame_hub.models.MasterImageCommandArgument`.
    """

    value: str
    position: NotRequired[CommandArgumentPosition | None]


class ReadableBinary(Protocol):
    """Anything with a binary ``read`` (an open file, a socket's file object …)."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all that is left when -1); empty at the end."""
        ...


class UploadFile(TypedDict):
    """One file to upload: ``file_name`` becomes the stored path; ``content_type`` is guessed when left out."""

    file_name: str
    content: bytes | str | IO[bytes] | ReadableBinary
    content_type: NotRequired[str]

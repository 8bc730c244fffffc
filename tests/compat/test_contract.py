"""flame-hub keeps flame-hub-client 0.5.5's public surface: the contract taken from the release itself.

``surface-0.5.5.json`` was written by ``tools/dump_compat_surface.py`` from the installed release. This
test holds our package to it:

* every public name of ``flame_hub``, ``flame_hub.auth``, ``flame_hub.models`` and ``flame_hub.types``
  exists;
* every method of the three clients (and the auth flows, and the module functions) accepts every
  0.5.5 parameter under the same name and kind: 0.5.5's positional parameters come first, in the same
  order, and its keyword parameters are accepted by keyword; a default has the same meaning (0.5.5's
  ``UNSET`` is our ``UNSET``; a ``**params`` key it leaves out means what 0.5.5 does without it);
* every model field (and TypedDict key) exists under the same Python name.

Our additions are free. Each difference we cannot avoid is listed in ``DIFFERENCES`` with its reason,
and docs/migrating-from-0.5.md explains it; an entry that no longer differs fails the test, so the
list stays true.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
import typing_extensions as te
from pydantic import BaseModel

import flame_hub
from flame_hub._unset import UNSET
from flame_hub.engine.client import USE_CLIENT_AUTH

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CONTRACT: dict[str, Any] = json.loads((HERE / "surface-0.5.5.json").read_text(encoding="utf-8"))
MIGRATION = ROOT / "docs" / "migrating-from-0.5.md"

#: What 0.5.5 does when a ``**params`` key is left out (its ``_request``/``_find_all_resources`` pop
#: them with these defaults): auth falls back to the client's own, the rest to "none given".
CLIENT_AUTH = "<the client's auth>"
ABSENT_MEANS: dict[str, object] = {
    "auth": CLIENT_AUTH,
    "fields": None,
    "meta": False,
    "filter": None,
    "page": None,
    "sort": None,
    "client": None,
}

#: The differences we keep on purpose, each with its reason (also in docs/migrating-from-0.5.md, where
#: the key is quoted). Keys: ``<Class>.<method>(<parameter>)``, ``<Model>.<field>``, ``<module>.<name>``.
_NOT_ACCEPTED = (
    "the Hub (v0.14, authup beta.62) does not accept the field here, so the body model derived from the "
    "declaration has none; passing it still works (payload models keep extra keys), and the client "
    "methods refuse a value for it with FieldError instead of sending what the Hub drops"
)
DIFFERENCES: dict[str, str] = {
    "StorageClient.stream_bucket_file(chunk_size)": "64 KiB chunks instead of 1 KiB: the bytes are the same, "
    "a large download takes far fewer iterations",
    "StorageClient.stream_bucket_tarball(chunk_size)": "64 KiB chunks, as stream_bucket_file",
    "flame_hub.auth.PasswordAuth(base_url)": "None: the token URL comes from the Hub URL of the client that "
    "uses the flow; 0.5.5's default sent the credentials to the public Hub when a local Hub was meant",
    "flame_hub.auth.ClientAuth(base_url)": "None, for the same reason as PasswordAuth",
    "CreateClient.is_confidential": "authup (beta.53+) replaced is_confidential with auth_method and ignores it",
    "UpdateClient.is_confidential": "as CreateClient.is_confidential",
    "CreatePermission.policy_id": "authup beta.62 permissions have no policy_id (policies attach elsewhere)",
    "UpdatePermission.policy_id": "as CreatePermission.policy_id",
    "UpdatePermission.realm_id": f"a permission never moves realm: {_NOT_ACCEPTED}",
    "UpdateNode.realm_id": f"a node never moves realm: {_NOT_ACCEPTED}",
    "CreateRegistryProject.account_name": f"the Hub fills the robot account itself: {_NOT_ACCEPTED}",
    "CreateRegistryProject.account_secret": "as CreateRegistryProject.account_name",
    "UpdateRegistryProject.account_name": "as CreateRegistryProject.account_name",
    "UpdateRegistryProject.account_secret": "as CreateRegistryProject.account_name",
    "UpdateRegistryProject.type": f"a registry project's type is fixed at create: {_NOT_ACCEPTED}",
    "UpdateRegistryProject.registry_id": f"a registry project never moves registry: {_NOT_ACCEPTED}",
}


#: Defaults that differ in how they are spelt, not in what they mean; each is proven by its own test.
SAME_MEANING = {f"{client}.__init__(base_url)" for client in ("AuthClient", "CoreClient", "StorageClient")}


def _differs(key: str, found: list[str]) -> None:
    found.append(key)


# -- our side, read the way the dump tool reads 0.5.5 -----------------------------------------------

_ABSENT = object()


def _typed_dict_keys(annotation: object, module: str) -> list[str] | None:
    """The keys of ``**options: Unpack[X]`` (string annotations resolved in the function's module)."""
    if isinstance(annotation, str):
        if not annotation.startswith("Unpack["):
            return None
        annotation = getattr(sys.modules[module], annotation[len("Unpack[") : -1])
    if typing.get_origin(annotation) in (te.Unpack, getattr(typing, "Unpack", te.Unpack)):
        (annotation,) = typing.get_args(annotation)
    if te.is_typeddict(annotation):
        return list(annotation.__annotations__)
    return None


def _our_parameters(function: Any) -> tuple[list[inspect.Parameter], dict[str, inspect.Parameter]]:
    """Our positional parameters in order, and every parameter accepted by keyword."""
    signature = inspect.signature(function)
    positional: list[inspect.Parameter] = []
    by_keyword: dict[str, inspect.Parameter] = {}
    for parameter in signature.parameters.values():
        if parameter.name == "self":
            continue
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            positional.append(parameter)
            by_keyword[parameter.name] = parameter
        elif parameter.kind is parameter.KEYWORD_ONLY:
            by_keyword[parameter.name] = parameter
        elif parameter.kind is parameter.VAR_POSITIONAL:
            positional.append(parameter)
        elif parameter.kind is parameter.VAR_KEYWORD:
            module = getattr(inspect.unwrap(function), "__module__", "")
            for key in _typed_dict_keys(parameter.annotation, module) or []:
                by_keyword[key] = parameter.replace(name=key, kind=parameter.KEYWORD_ONLY, default=_ABSENT)
    return positional, by_keyword


def _our_default(parameter: inspect.Parameter) -> object:
    value = parameter.default
    if value is _ABSENT:  # a key of ``**options: Unpack[...]``: our methods read it as 0.5.5 does
        return ABSENT_MEANS[parameter.name]
    if value is parameter.empty:
        return "<required>"
    if value is UNSET:
        return "<unset>"
    if value is USE_CLIENT_AUTH:
        return CLIENT_AUTH
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _their_default(parameter: dict[str, Any]) -> object:
    default = parameter["default"]
    kind = default["kind"]
    if kind == "required":
        return "<required>"
    if kind == "unset":
        return "<unset>"
    if kind == "absent":
        return ABSENT_MEANS[parameter["name"]]
    if kind == "value":
        return default["value"]
    raise AssertionError(f"the contract holds a default this test cannot read: {default}")


def _check_callable(label: str, function: Any, params: list[dict[str, Any]], found: list[str]) -> list[str]:
    """Problems of one callable against its 0.5.5 parameters (allow-listed ones are recorded in found)."""
    problems: list[str] = []
    positional, by_keyword = _our_parameters(function)
    theirs_positional = [p for p in params if p["kind"] in ("positional_or_keyword", "var_positional")]
    for index, theirs in enumerate(theirs_positional):
        key = f"{label}({theirs['name']})"
        ours = positional[index] if index < len(positional) else None
        if theirs["kind"] == "var_positional":
            if ours is None or ours.kind is not ours.VAR_POSITIONAL:
                problems.append(f"{key}: 0.5.5 takes *{theirs['name']} at position {index}")
            continue
        if ours is None or ours.name != theirs["name"] or ours.kind is not ours.POSITIONAL_OR_KEYWORD:
            if key in DIFFERENCES:
                _differs(key, found)
            else:
                shown = "nothing" if ours is None else f"{ours.name!r} ({ours.kind.description})"
                problems.append(f"{key}: position {index} holds {shown}")
            continue
    for theirs in params:
        if theirs["kind"] == "var_positional":
            continue
        key = f"{label}({theirs['name']})"
        ours = by_keyword.get(theirs["name"])
        if ours is None:
            if key in DIFFERENCES:
                _differs(key, found)
            else:
                problems.append(f"{key}: not accepted by keyword")
            continue
        expected, actual = _their_default(theirs), _our_default(ours)
        if expected != "<required>" and expected != actual and key not in SAME_MEANING:
            if key in DIFFERENCES:
                _differs(key, found)
            else:
                problems.append(f"{key}: default {actual!r}, 0.5.5 means {expected!r}")
    return problems


# -- the tests --------------------------------------------------------------------------------------


def test_the_contract_is_0_5_5_taken_from_the_release() -> None:
    assert CONTRACT["distribution"] == "flame-hub-client"
    assert CONTRACT["version"] == "0.5.5"
    assert len(CONTRACT["clients"]["CoreClient"]) > 70  # the dump saw the real client, not a stub


def test_every_public_name_exists() -> None:
    found: list[str] = []
    missing: list[str] = []
    for module_name, names in CONTRACT["modules"].items():
        module = importlib.import_module(module_name)
        for name in names:
            key = f"{module_name}.{name}"
            if not hasattr(module, name):
                if key in DIFFERENCES:
                    _differs(key, found)
                else:
                    missing.append(key)
    assert not missing, "missing public names:\n" + "\n".join(missing)
    _no_stale_entries(found, prefixes=tuple(f"{m}." for m in CONTRACT["modules"]), calls=False)


@pytest.mark.parametrize("client", sorted(CONTRACT["clients"]))
def test_every_client_method_accepts_every_parameter(client: str) -> None:
    ours = getattr(flame_hub, client)
    found: list[str] = []
    problems: list[str] = []
    for method, params in sorted(CONTRACT["clients"][client].items()):
        key = f"{client}.{method}"
        function = getattr(ours, method, None)
        if function is None:
            problems.append(f"{key}: missing")
            continue
        problems += _check_callable(key, function, params, found)
    assert not problems, "\n".join(problems)
    _no_stale_entries(found, prefixes=(f"{client}.",))


@pytest.mark.parametrize("client", sorted(CONTRACT["clients"]))
def test_the_default_base_url_is_the_public_hubs(client: str) -> None:
    """0.5.5 spells the public URL as the default; ours defaults to None, which means the same URL
    (or, with ``client=``, that client's URL, as 0.5.5 does too)."""
    (theirs,) = [p for p in CONTRACT["clients"][client]["__init__"] if p["name"] == "base_url"]
    ours = getattr(flame_hub, client)
    assert next(iter(_our_parameters(ours.__init__)[0])).name == "base_url"
    with ours() as instance:
        assert instance.base_url.rstrip("/") == theirs["default"]["value"].rstrip("/")


@pytest.mark.parametrize("name", sorted(CONTRACT["callables"]))
def test_every_auth_flow_and_function_accepts_every_parameter(name: str) -> None:
    module, _, attribute = name.rpartition(".")
    ours = getattr(importlib.import_module(module), attribute)
    found: list[str] = []
    problems = _check_callable(name, ours, CONTRACT["callables"][name], found)
    assert not problems, "\n".join(problems)
    _no_stale_entries(found, prefixes=(f"{name}(",))


def _field_names(ours: object) -> set[str]:
    if isinstance(ours, type) and issubclass(ours, BaseModel):
        return set(ours.model_fields)
    if te.is_typeddict(ours):
        return set(ours.__annotations__)  # type: ignore[attr-defined]
    raise AssertionError(f"{ours!r} is neither a model nor a TypedDict")


def test_every_model_field_exists() -> None:
    found: list[str] = []
    problems: list[str] = []
    for model, fields in sorted(CONTRACT["models"].items()):
        ours = getattr(flame_hub.models, model)
        if not fields:  # 0.5.5's UNSET is an empty model; ours is a sentinel value (its names test holds it)
            continue
        names = _field_names(ours)
        for field in fields:
            key = f"{model}.{field}"
            if field not in names:
                if key in DIFFERENCES:
                    _differs(key, found)
                else:
                    problems.append(f"{key}: missing")
    for qualified, keys in sorted(CONTRACT["typeddicts"].items()):
        module, _, name = qualified.rpartition(".")
        names = _field_names(getattr(importlib.import_module(module), name))
        for key in keys:
            if key["name"] not in names:
                problems.append(f"{qualified}.{key['name']}: missing")
    assert not problems, "\n".join(problems)
    _no_stale_entries(found, prefixes=tuple(f"{m}." for m in CONTRACT["models"]), calls=False)


def _no_stale_entries(found: list[str], prefixes: tuple[str, ...], calls: bool = True) -> None:
    """Every allow-listed difference this test is responsible for still differs."""
    listed = {key for key in DIFFERENCES if key.startswith(prefixes) and ("(" in key) is calls}
    stale = listed - set(found)
    assert not stale, (
        f"these differences are gone; remove them from DIFFERENCES and the migration page: {stale}"
    )


def test_every_difference_is_in_the_migration_page() -> None:
    page = MIGRATION.read_text(encoding="utf-8")
    absent = [key for key in DIFFERENCES if f"`{key}`" not in page]
    assert not absent, f"docs/migrating-from-0.5.md does not explain: {absent}"

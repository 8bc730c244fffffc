"""Dump the public surface of the released ``flame-hub-client`` (0.5.5) to a JSON contract.

flame-hub promises to be a drop-in replacement for that release. The promise is checked against what
the release actually contains, not against anyone's memory of it: this tool installs the release into
a throwaway virtual environment, imports it there, and writes down

* every public name of ``flame_hub``, ``flame_hub.auth``, ``flame_hub.models`` and ``flame_hub.types``
  (their ``__all__``) and what kind of object each is;
* every public method of ``AuthClient``, ``CoreClient`` and ``StorageClient`` (and their
  constructors, the auth flows' and ``HubAPIError``'s constructors and the module-level functions) with each parameter's
  name, kind and default. ``**params: Unpack[SomeKwargs]`` is expanded into the TypedDict's keys,
  because those are the keywords a caller writes;
* every model's fields (pydantic models: Python name, wire alias, required or not), the includable
  and optional field names the release derives from them (``get_includable_names`` and
  ``get_field_names``), and every TypedDict's keys.

``tests/compat/test_contract.py`` holds flame-hub to the file. Run it again only to re-take the contract
(another release, another pydantic)::

    python tools/dump_compat_surface.py            # writes tests/compat/surface-0.5.5.json
    python tools/dump_compat_surface.py --version 0.5.5 --out /tmp/surface.json

It needs network access to the package index (pip downloads the release and its dependencies).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VERSION = "0.5.5"

# Runs inside the throwaway environment, with the release installed; prints the surface as JSON.
INTROSPECT = r'''
import enum
import importlib
import importlib.metadata
import inspect
import json
import sys
import typing

import typing_extensions as te
from pydantic import BaseModel

MODULES = ("flame_hub", "flame_hub.auth", "flame_hub.models", "flame_hub.types")
CLIENTS = ("AuthClient", "CoreClient", "StorageClient")
FLOWS = ("PasswordAuth", "ClientAuth", "StaticAuth")
FUNCTIONS = ("get_field_names", "get_includable_names")

import flame_hub
import flame_hub.models

UNSET = flame_hub.models.UNSET
KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def describe_default(value):
    """A default as data: required, the UNSET sentinel, or a JSON value (enums by value)."""
    if value is inspect.Parameter.empty:
        return {"kind": "required"}
    if value is UNSET:
        return {"kind": "unset"}
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"kind": "value", "value": value}
    return {"kind": "object", "repr": repr(value)}


def annotation_text(annotation):
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        text = annotation
    elif isinstance(annotation, type) and typing.get_origin(annotation) is None:
        text = annotation.__qualname__ if annotation.__module__ == "builtins" else f"{annotation.__module__}.{annotation.__qualname__}"
    else:
        text = repr(annotation)
    return text.replace("typing.", "").replace("typing_extensions.", "")


def typed_dict_of(annotation):
    """The TypedDict behind ``**params: Unpack[X]``, or None."""
    if typing.get_origin(annotation) in (te.Unpack, getattr(typing, "Unpack", te.Unpack)):
        (inner,) = typing.get_args(annotation)
        if te.is_typeddict(inner):
            return inner
    return None


def typed_dict_keys(cls):
    hints = typing.get_type_hints(cls)
    return [
        {"name": key, "required": key in cls.__required_keys__, "annotation": annotation_text(hints[key])}
        for key in cls.__annotations__
    ]


def parameters(function):
    signature = inspect.signature(function, eval_str=True)
    out = []
    for parameter in signature.parameters.values():
        if parameter.name == "self":
            continue
        expanded = typed_dict_of(parameter.annotation) if parameter.kind is parameter.VAR_KEYWORD else None
        if expanded is not None:
            for key in typed_dict_keys(expanded):
                out.append(
                    {
                        "name": key["name"],
                        "kind": "keyword_only",
                        "default": {"kind": "absent"},
                        "annotation": key["annotation"],
                        "from": f"**{parameter.name}: Unpack[{expanded.__name__}]",
                    }
                )
            continue
        out.append(
            {
                "name": parameter.name,
                "kind": KINDS[parameter.kind],
                "default": describe_default(parameter.default),
                "annotation": annotation_text(parameter.annotation),
            }
        )
    return out


def kind_of(value):
    if inspect.ismodule(value):
        return "module"
    if isinstance(value, type):
        if issubclass(value, BaseModel):
            return "model"
        if te.is_typeddict(value):
            return "typeddict"
        if issubclass(value, enum.Enum):
            return "enum"
        return "class"
    if inspect.isfunction(value):
        return "function"
    if typing.get_origin(value) is not None or isinstance(value, (typing.TypeVar, type(typing.Union[int, str]))):
        return "type"
    return "value"


surface = {
    "distribution": "flame-hub-client",
    "version": importlib.metadata.version("flame-hub-client"),
    "python": sys.version.split()[0],
    "dependencies": {
        name: importlib.metadata.version(name)
        for name in ("pydantic", "httpx2", "typing-extensions")
    },
    "modules": {},
    "clients": {},
    "callables": {},
    "models": {},
    "typeddicts": {},
    "includables": {},
    "optional_fields": {},
}

for module_name in MODULES:
    module = importlib.import_module(module_name)
    names = {}
    for name in sorted(module.__all__):
        value = getattr(module, name)
        names[name] = kind_of(value)
        if isinstance(value, type) and issubclass(value, BaseModel) and module_name == "flame_hub.models":
            surface["models"][name] = {
                field: {"alias": info.alias, "required": info.is_required()}
                for field, info in value.model_fields.items()
            }
            # What the release's get_*/find_* request with include= and what fields=+x may add.
            includable = list(flame_hub.get_includable_names(value))
            optional = list(flame_hub.get_field_names(value))
            if includable:
                surface["includables"][name] = includable
            if optional:
                surface["optional_fields"][name] = optional
        if isinstance(value, type) and te.is_typeddict(value):
            surface["typeddicts"][f"{module_name}.{name}"] = typed_dict_keys(value)
    surface["modules"][module_name] = names

for client_name in CLIENTS:
    cls = getattr(flame_hub, client_name)
    methods = {"__init__": parameters(cls.__init__)}
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            methods[name] = parameters(member)
    surface["clients"][client_name] = methods

for flow in FLOWS:
    surface["callables"][f"flame_hub.auth.{flow}"] = parameters(getattr(flame_hub.auth, flow).__init__)
# an exception users raise themselves (in mocks and fakes of the clients)
surface["callables"]["flame_hub.HubAPIError"] = parameters(flame_hub.HubAPIError.__init__)
for function in FUNCTIONS:
    surface["callables"][f"flame_hub.{function}"] = parameters(getattr(flame_hub, function))

json.dump(surface, sys.stdout, indent=1, sort_keys=True)
'''


def dump(version: str, python: str = sys.executable) -> dict[str, object]:
    """Install ``flame-hub-client==version`` into a fresh venv and return its surface."""
    with tempfile.TemporaryDirectory(prefix="flame-hub-compat-") as tmp:
        env = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
        interpreter = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
        subprocess.run(
            [str(interpreter), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"flame-hub-client=={version}"],
            check=True,
        )  # fmt: skip
        script = Path(tmp) / "introspect.py"
        script.write_text(INTROSPECT, encoding="utf-8")
        # Run outside the repository so that the flame_hub found is the installed release, not ours.
        done = subprocess.run(
            [str(interpreter), "-I", str(script)], check=True, capture_output=True, text=True, cwd=tmp
        )
    surface: dict[str, object] = json.loads(done.stdout)
    if surface.get("version") != version:
        raise SystemExit(f"installed {surface.get('version')!r}, expected {version!r}")
    return surface


def render(value: object, depth: int = 0) -> str:
    """JSON with one line per parameter, field or name (diffs of a re-taken contract stay readable)."""
    if not isinstance(value, dict) or depth >= 3 or not value:
        if isinstance(value, list) and value and depth < 4:
            pad = "  " * (depth + 1)
            items = ",\n".join(pad + json.dumps(item, sort_keys=True) for item in value)
            return "[\n" + items + "\n" + "  " * depth + "]"
        return json.dumps(value, sort_keys=True)
    pad = "  " * (depth + 1)
    items = ",\n".join(f"{pad}{json.dumps(key)}: {render(value[key], depth + 1)}" for key in sorted(value))
    return "{\n" + items + "\n" + "  " * depth + "}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="the flame-hub-client release to dump")
    parser.add_argument(
        "--out", type=Path, help="where to write (default: tests/compat/surface-<version>.json)"
    )
    args = parser.parse_args(argv)
    out: Path = args.out or ROOT / "tests" / "compat" / f"surface-{args.version}.json"
    surface = dump(args.version)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(surface) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

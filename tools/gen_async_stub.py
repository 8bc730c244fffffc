"""Generate the clients' type stubs from their declarations: ``signatures.pyi`` and ``aio.pyi``.

The seed-style methods are declared once (``declare(...)`` in flame_hub/clients/{auth,core,storage}.py)
and become functions at import time, so a type checker cannot see their signatures in the source.
This script writes them down:

* ``flame_hub/clients/signatures.pyi``: the declared methods of the sync clients (``AuthSignatures`` …,
  which the method classes inherit when type checking);
* ``flame_hub/clients/aio.pyi``: the async clients, every method as a coroutine — the declared ones,
  the hand-written ``@special`` ones (read from the source) and the managers.

Both list the managers ``declare`` gives each client (``nodes: Manager[Node]`` …).

Run ``python tools/gen_async_stub.py`` after changing a client or a resource declaration;
``tests/unit/test_async_stub.py`` fails while a stub is out of date.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flame_hub.clients.methods import Operation  # noqa: E402

CLIENTS = ROOT / "flame_hub" / "clients"
STUB = CLIENTS / "aio.pyi"
SIGNATURES = CLIENTS / "signatures.pyi"

#: The services whose clients have stubs. ``flame_hub/clients/<service>.py`` declares ``<Name>Methods``; its
#: sync types are ``<Name>Signatures`` (with ``<Name>Managers``), its async client ``Async<Name>Client``.
SERVICES = ("auth", "core", "storage")
#: The base class of every async client, and its module.
ASYNC_BASE = ("AsyncBaseClient", "flame_hub.clients.base")


def _names(service: str) -> tuple[str, str, str]:
    """A service's method class, sync signatures class and async client class."""
    name = service.capitalize()
    return f"{name}Methods", f"{name}Signatures", f"Async{name}Client"


PROVIDED = {
    "ClientManager": "flame_hub.clients.methods",
    "overload": "typing",
    "AsyncIterator": "collections.abc",
}


def _origins(tree: ast.Module, module: str) -> dict[str, str]:
    """Where each name a module uses comes from: its imports, or the module itself (its own aliases)."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, node.module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, "")  # a whole module: ``import os``
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = module
    return found


def _signature(function: ast.FunctionDef) -> str:
    """A hand-written method as one line: ``async def`` for a ``@special`` one (a coroutine through an
    async client), otherwise a ``def`` whose ``Iterator`` becomes an ``AsyncIterator`` (a stream)."""
    args = function.args
    for default in [*args.defaults, *args.kw_defaults]:
        if default is not None:
            default.__class__ = ast.Constant
            default.__dict__.clear()
            default.value = ...  # type: ignore[attr-defined]
            default.kind = None  # type: ignore[attr-defined]
    returns = ast.unparse(function.returns) if function.returns else "None"
    if any(isinstance(d, ast.Name) and d.id == "special" for d in function.decorator_list):
        return f"    async def {function.name}({ast.unparse(args)}) -> {returns}: ...  # fmt: skip"
    returns = returns.replace("Iterator[", "AsyncIterator[")
    return f"    def {function.name}({ast.unparse(args)}) -> {returns}: ...  # fmt: skip"


def _names_in(line: str) -> set[str]:
    text = line.strip()
    if text.startswith("@"):
        text = text[1:]
    header = text.split("  # fmt: skip")[0]
    tree = ast.parse(header + (" ..." if header.endswith(":") else ""))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - {"self"}


def _import_lines(imports: dict[str, set[str]]) -> list[str]:
    """The stub's imports. The resource models come by wildcard from their modules (whose ``__all__``
    list them), so their names are written once, where they are declared, not again in each stub."""
    lines: list[str] = [f"import {name}" for name in sorted(imports.get("", ()))]
    imports = {origin: names for origin, names in imports.items() if origin}
    for origin in [o for o in imports if o in _WILDCARD]:
        imports[origin] = {"*"}
    for group in (False, True):  # the standard library first, then this package (isort's order)
        for origin in sorted(o for o in imports if o.startswith("flame_hub") is group):
            suffix = "  # noqa: F403" if imports[origin] == {"*"} else ""
            lines.append(f"from {origin} import {', '.join(sorted(imports[origin]))}{suffix}")
        lines.append("")
    return lines


#: The modules whose names a stub imports by wildcard: the resource declarations.
_WILDCARD = {"flame_hub.models.auth", "flame_hub.models.core", "flame_hub.models.storage"}


def _need(names: set[str], where: dict[str, str], imports: dict[str, set[str]], context: str) -> None:
    for name in names:
        origin = PROVIDED.get(name, where.get(name))
        if origin is None:
            if hasattr(builtins, name):
                continue
            raise SystemExit(f"{context}: cannot tell where {name!r} comes from")
        imports.setdefault(origin, set()).add(name)


def _managers(cls: type, imports: dict[str, set[str]]) -> list[str]:
    """The managers ``declare`` installed on a client class (one per resource), as stub lines."""
    operations: dict[str, Operation] = cls._declared  # type: ignore[attr-defined]
    lines: list[str] = []
    for model in dict.fromkeys(operation.model for operation in operations.values()):
        lines.append(f"    {model.meta.plural}: ClientManager[{model.__name__}]")
        _need({"ClientManager"}, {}, imports, model.__name__)
        imports.setdefault(model.__module__, set()).add(model.__name__)
    return lines


def _declared(cls: type, asynchronous: bool, imports: dict[str, set[str]]) -> list[str]:
    """The declared methods, as stub lines."""
    operations: dict[str, Operation] = cls._declared  # type: ignore[attr-defined]
    lines: list[str] = []
    for operation in operations.values():
        for line in operation.stub(asynchronous):
            if not line.lstrip().startswith('"""'):
                _need(_names_in(line), operation.stub_imports(), imports, operation.name)
            lines.append(line)
    return lines


def _managers_class(signatures: str) -> str:
    """``AuthSignatures`` → ``AuthManagers``: the class of the managers, written once in signatures.pyi."""
    return signatures.replace("Signatures", "Managers")


def _stub(doc: str, imports: dict[str, set[str]], classes: dict[str, str], path: Path) -> str:
    """A whole stub file: its docstring, imports, ``__all__`` and classes, formatted."""
    lines = [
        f'"""{doc} (generated by tools/gen_async_stub.py from the client declarations; do not edit)."""',
        "",
        "# ruff: noqa: F405 - the resource models come by wildcard (see the imports)",
        "",
        "from __future__ import annotations",
        "",
        *_import_lines(imports),
        f"__all__ = [{', '.join(repr(n).replace(chr(39), chr(34)) for n in classes)}]",
    ]
    for text in classes.values():
        lines.extend(["", "", text])
    return _tidy("\n".join(lines) + "\n", path)


def _methods_class(service: str) -> type:
    cls: type = getattr(importlib.import_module(f"flame_hub.clients.{service}"), _names(service)[0])
    return cls


def generate_signatures() -> str:
    """The text of ``signatures.pyi``."""
    imports: dict[str, set[str]] = {}
    classes: dict[str, str] = {}
    for service in SERVICES:
        source, signatures, _async_class = _names(service)
        managers = _managers(_methods_class(service), imports)
        doc = (
            f'    """The managers ``declare`` gives ``{source}`` (its sync and async clients share them)."""'
        )
        classes[_managers_class(signatures)] = f"class {_managers_class(signatures)}:\n{doc}\n\n" + "\n".join(
            managers
        )
        body = _declared(_methods_class(service), False, imports)
        doc = f'    """The declared methods of ``{source}`` as type checkers see them."""'
        classes[signatures] = f"class {signatures}({_managers_class(signatures)}):\n{doc}\n\n" + "\n".join(
            body
        )
    return _stub("Types of the sync clients' declared methods", imports, classes, SIGNATURES)


def generate() -> str:
    """The text of ``aio.pyi``."""
    imports: dict[str, set[str]] = {}
    classes: dict[str, str] = {}
    base, base_module = ASYNC_BASE
    for service in SERVICES:
        source, signatures, async_class = _names(service)
        filename, module = f"{service}.py", f"flame_hub.clients.{service}"
        tree = ast.parse((CLIENTS / filename).read_text(encoding="utf-8"))
        origins = _origins(tree, module)
        origins[base] = base_module
        imports.setdefault(base_module, set()).add(base)
        body: list[str] = []
        declaration = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == source)
        body += _declared(_methods_class(service), True, imports)
        for item in declaration.body:
            if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                line = _signature(item)
                for alias, origin in list(origins.items()):  # ``core.Node`` is ``Node`` here (wildcard)
                    if f"{origin}.{alias}" in _WILDCARD and f"{alias}." in line:
                        line = line.replace(f"{alias}.", "")
                        models = importlib.import_module(f"{origin}.{alias}")
                        origins.update((name, models.__name__) for name in models.__all__)
                _need(_names_in(line.replace("async def", "def")), origins, imports, filename)
                body.append(line)
        doc = f'    """Async twin of ``{source[: -len("Methods")]}Client``: every method is a coroutine."""'
        managers = _managers_class(signatures)
        imports.setdefault("flame_hub.clients.signatures", set()).add(managers)
        classes[async_class] = f"class {async_class}({base}, {managers}):\n{doc}\n\n" + "\n".join(body)
    return _stub("Types of the async clients", imports, classes, STUB)


def _tidy(text: str, path: Path) -> str:
    """Sort the imports and format the stub with ruff, as the project's checks expect."""
    for args in (["check", "--fix", "--quiet", "--select", "I", "--exit-zero"], ["format", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(path), "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        text = done.stdout
    return text


def main() -> int:
    SIGNATURES.write_text(generate_signatures(), encoding="utf-8")
    STUB.write_text(generate(), encoding="utf-8")
    print(f"wrote {SIGNATURES.relative_to(ROOT)} and {STUB.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generate ``flame_hub/clients/aio.pyi``: the async clients' types, derived from the sync declarations.

The async clients reuse the sync clients' method declarations at run time (their ``_execute`` awaits),
so there is nothing to write twice; type checkers only need to be told that each method is a
coroutine. This script reads ``AuthMethods``, ``CoreMethods`` and ``StorageMethods`` and writes one
``async def`` line per public method, and an awaitable protocol per declared read/delete method.

Run ``python tools/gen_async_stub.py`` after changing a sync client; ``tests/unit/test_async_stub.py``
fails while the stub is out of date.
"""

from __future__ import annotations

import ast
import builtins
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "flame_hub" / "clients"
STUB = CLIENTS / "aio.pyi"

#: sync declarations → (async class, its base, the module the base comes from)
SOURCES = {
    "auth.py": ("AuthMethods", "AsyncAuthClient", "AsyncBaseClient", "flame_hub.clients.base"),
    "core.py": ("CoreMethods", "AsyncCoreClient", "AsyncBaseClient", "flame_hub.clients.base"),
    "storage.py": ("StorageMethods", "AsyncStorageClient", "AsyncStorageIO", "flame_hub.clients.storage"),
}

DESCRIPTORS = {
    "GetAllMethod": "AsyncFind",
    "FindMethod": "AsyncFind",
    "GetMethod": "AsyncGet",
    "DeleteMethod": "AsyncDelete",
    "ClientManager": "Manager",
}
PROVIDED = {
    "AsyncFind": "flame_hub.clients.methods",
    "AsyncGet": "flame_hub.clients.methods",
    "AsyncDelete": "flame_hub.clients.methods",
    "Manager": "flame_hub.query.manager",
    "ClassVar": "typing",
}


def _origins(tree: ast.Module, module: str) -> dict[str, str]:
    """Where each name a module uses comes from: its imports, or the module itself (its own aliases)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            for alias in node.names:
                found[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = module
    return found


def _signature(function: ast.FunctionDef) -> str:
    """The function as a one-line ``async def`` with every default shown as ``...``."""
    args = function.args
    for default in [*args.defaults, *args.kw_defaults]:
        if default is not None:
            default.__class__ = ast.Constant
            default.__dict__.clear()
            default.value = ...  # type: ignore[attr-defined]
            default.kind = None  # type: ignore[attr-defined]
    returns = ast.unparse(function.returns) if function.returns else "None"
    return f"    async def {function.name}({ast.unparse(args)}) -> {returns}: ...  # fmt: skip"


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def generate() -> str:
    """The text of ``aio.pyi``."""
    imports: dict[str, set[str]] = {}
    classes: list[str] = []
    for filename, (source_class, async_class, base, base_module) in SOURCES.items():
        module = f"flame_hub.clients.{filename[:-3]}"
        tree = ast.parse((CLIENTS / filename).read_text(encoding="utf-8"))
        origins = _origins(tree, module)
        body: list[str] = []
        used: set[str] = {base}
        origins[base] = base_module
        declaration = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == source_class)
        for item in declaration.body:
            if (
                isinstance(item, ast.Assign)
                and isinstance(item.value, ast.Call)
                and isinstance(item.value.func, ast.Name)
                and item.value.func.id in DESCRIPTORS
            ):
                kind = DESCRIPTORS[item.value.func.id]
                model = ast.unparse(item.value.args[0])
                for target in item.targets:
                    body.append(f"    {ast.unparse(target)}: {kind}[{model}]")
                used |= {kind, model}
            elif isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                body.append(_signature(item))
                used |= _names(item.args) | (_names(item.returns) if item.returns else set())
        used.discard("self")
        for name in sorted(used):
            origin = PROVIDED.get(name) or origins.get(name)
            if origin is None:
                if hasattr(builtins, name):
                    continue
                raise SystemExit(f"{filename}: cannot tell where {name!r} comes from")
            imports.setdefault(origin, set()).add(name)
        doc = f'    """Async twin of ``{source_class[: -len("Methods")]}Client``: every method is a coroutine."""'
        classes.append(f"class {async_class}({base}):\n{doc}\n\n" + "\n".join(body))
    lines = [
        '"""Types of the async clients (generated by tools/gen_async_stub.py from the sync clients; do not edit)."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    for group in (False, True):  # the standard library first, then this package (isort's order)
        for origin in sorted(o for o in imports if o.startswith("flame_hub") is group):
            lines.append(f"from {origin} import {', '.join(sorted(imports[origin]))}")
        lines.append("")
    lines.append('__all__ = ["AsyncAuthClient", "AsyncCoreClient", "AsyncStorageClient"]')
    for text in classes:
        lines.extend(["", "", text])
    return _tidy("\n".join(lines) + "\n")


def _tidy(text: str) -> str:
    """Sort the imports and format the stub with ruff, as the project's checks expect."""
    for args in (["check", "--fix", "--quiet", "--select", "I", "--exit-zero"], ["format", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(STUB), "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        text = done.stdout
    return text


def main() -> int:
    STUB.write_text(generate(), encoding="utf-8")
    print(f"wrote {STUB.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

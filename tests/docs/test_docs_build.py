"""The docs site builds strictly, and its API reference covers every public name of the package.

``mkdocs build --strict`` fails on a broken link or anchor, an unresolved cross-reference, a page left
out of the nav, a docstring naming a parameter that does not exist, and (tools/docs_site.py) a public
name without a docstring; the failure lists each warning.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def docs_site() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "tools" / "docs_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once for the tests of this module."""
    directory = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    # a warning's lines, and the indented list some of them continue with (pages left out of the nav)
    warnings = [line for line in done.stderr.splitlines() if line.startswith(("WARNING", "ERROR", "  - "))]
    assert done.returncode == 0, "the docs site does not build strictly:\n" + "\n".join(
        warnings or [done.stdout[-3000:], done.stderr[-3000:]]
    )
    return directory


def test_the_site_builds_strictly(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "reference" / "index.html").is_file()


@pytest.fixture(scope="module")
def package() -> Any:
    """The package as the reference sees it (griffe, with the site's extension)."""
    return docs_site().load_package()


@pytest.fixture(scope="module")
def api(package: Any) -> Any:
    return docs_site().public_api(package)


def test_every_module_with_all_is_a_public_module(api: Any) -> None:
    """The static view (griffe) finds each module that declares ``__all__``; none is lost."""
    declared = set()
    for path in (ROOT / "flame_hub").rglob("*.py*"):  # stubs too: a stub-only module is a module
        if path.suffix not in (".py", ".pyi"):
            continue
        dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if not any(part.startswith("_") for part in dotted.split(".")) and re.search(
            r"^__all__\b", path.read_text(encoding="utf-8"), flags=re.MULTILINE
        ):
            declared.add(dotted)
    assert declared == {module.path for module in api.modules}


def test_every_public_module_has_a_reference_page_with_every_public_name(site: Path, api: Any) -> None:
    for module in api.modules:
        page = (site / "reference" / module.path / "index.html").read_text(encoding="utf-8")
        anchors = set(re.findall(r'id="([\w.]+)"', page))
        missing = {name for name in module.names if f"{module.path}.{name}" not in anchors}
        assert not missing, f"the reference page of {module.path} lacks {sorted(missing)}"
        unlinked = {name for name, entry in module.elsewhere.items() if f'#{entry}"' not in page}
        assert not unlinked, (
            f"the reference page of {module.path} does not link {sorted(unlinked)} to their entries"
        )


def test_every_public_name_has_a_docstring(api: Any) -> None:
    assert not api.undocumented, (
        "undocumented public names (add a docstring, or a #: comment above a constant):\n"
        + "\n".join(api.undocumented)
    )


def method_heading(site: Path, api: Any, cls: str, method: str) -> str:
    """The HTML heading (signature and labels) of ``flame_hub.<cls>.<method>``'s entry, wherever it lives."""
    entry = next(module.elsewhere[cls] for module in api.modules if module.path == "flame_hub")
    page_of = next(m.path for m in api.modules if entry == f"{m.path}.{entry.rsplit('.', 1)[1]}")
    page = (site / "reference" / page_of / "index.html").read_text(encoding="utf-8")
    start = page.index(f'id="{entry}.{method}"')
    return page[start : page.index("</h", start)]


def test_the_async_clients_methods_show_as_coroutines(site: Path, api: Any) -> None:
    """aio.pyi declares them ``async def``; the sync clients' declarations, which they reuse, are not."""
    for method in ("find_nodes", "get_node", "create_node", "update_node", "get_node_client_credentials"):
        sync = method_heading(site, api, "CoreClient", method)
        coroutine = method_heading(site, api, "AsyncCoreClient", method)
        assert "doc-label-async" in coroutine, method
        assert "doc-label-async" not in sync, method


def test_every_method_a_public_class_has_at_run_time_has_an_entry(site: Path, api: Any, package: Any) -> None:
    """Methods made at run time (the clients' declared ``find_*``/``get_*``…) are there, via their stubs."""
    tool = docs_site()
    missing: list[str] = []
    for module in api.modules:
        page = (site / "reference" / module.path / "index.html").read_text(encoding="utf-8")
        try:
            runtime_module = importlib.import_module(module.path)
        except ModuleNotFoundError:  # a stub-only module (types for checkers): nothing runs to compare
            continue
        for name in module.names:
            cls = getattr(runtime_module, name, None)
            # only what the code declares as a class: ``X = Resource`` or ``create_model(...)`` is documented
            # as the assignment it is (its methods are the documented class's, or made at run time)
            declared = package[f"{module.path}.{name}".split(".", 1)[1]]
            if not isinstance(cls, type) or not isinstance(declared, tool.griffe.Class):
                continue
            external = {
                n
                for base in cls.__mro__[1:]
                if not base.__module__.startswith(tool.PACKAGE)
                for n in vars(base)
            }
            for method in dir(cls):
                if method.startswith("_") or method in external or not callable(getattr(cls, method, None)):
                    continue
                if f'id="{module.path}.{name}.{method}"' not in page:
                    missing.append(f"{module.path}.{name}.{method}")
    assert not missing, "public methods without a reference entry:\n" + "\n".join(missing)


def test_the_service_clients_page_links_every_method_of_every_client(site: Path, api: Any) -> None:
    """docs/service-clients.md lists each resource's methods and the other methods, generated."""
    import flame_hub
    from flame_hub.clients.base import BaseClient
    from flame_hub.clients.methods import ClientManager

    page = (site / "service-clients" / "index.html").read_text(encoding="utf-8")
    missing = []
    for cls in (flame_hub.AuthClient, flame_hub.CoreClient, flame_hub.StorageClient):
        entry = api.entries[f"{cls.__module__}.{cls.__qualname__}"]
        for name in dir(cls):
            static = inspect.getattr_static(cls, name)
            if name.startswith("_") or hasattr(BaseClient, name) or isinstance(static, ClientManager):
                continue
            if f'#{entry}.{name}"' not in page:
                missing.append(f"{cls.__name__}.{name}")
    assert not missing, "docs/service-clients.md does not list:\n" + "\n".join(missing)

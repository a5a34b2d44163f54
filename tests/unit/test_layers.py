"""The layers point one way: each module imports only the layers its own layer allows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import timeline

ROOT = Path(timeline.__file__).resolve().parent.parent

ENGINE_ALONE = """
import sys
sys.modules["timeline.projections"] = None  # any import of the read side now fails
sys.modules["timeline._timeline"] = None
from timeline.engine import Development, EventLog, Source, StanceClaim, StoreApplication
from timeline.engine._replay import fold_positions, known_developments
from timeline.engine.values import Actor, Topic

app = StoreApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
claim = StanceClaim("TUR", "s400-purchase", "committed")
development = Development(
    id="agreement", occurred="2017-12", reported="2018-12-20", kind="agreement",
    summary="Signed.", actors=["TUR"], source=Source("Sputnik", "official"), claims=[claim],
)
assert app.record([development], [Actor("TUR", "Turkey")], [Topic("s400-purchase", "S-400")])
log = EventLog(app)
assert log.pull() == 3
story = known_developments(log.entries(), None)
position = fold_positions(story, story[0].occurred.latest)[("TUR", "s400-purchase")]
assert str(position.stance) == "committed"
loaded = [m for m, module in sys.modules.items() if module is not None]
assert not [m for m in loaded if m.startswith(("timeline.projections", "timeline._timeline"))]
print("ok")
"""


def test_the_engine_records_and_replays_with_the_read_side_blocked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", ENGINE_ALONE], capture_output=True, text=True, cwd="/"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# Each first-party module belongs to one layer (the longest matching name wins) ...
LAYER_OF = {
    "timeline": "api",  # `from timeline import Timeline`: the public surface
    "timeline.engine": "engine",
    "timeline.engine._bulk_process": "engine",
    "timeline.engine._made": "engine",
    "timeline.projections": "projections",
    "timeline.seeds": "seeds",
    "timeline._selecting": "shared",
    "timeline._listing_reads": "shared",
    "timeline._read_scope": "shared",
    "timeline._shared_reads": "shared",
    "timeline._shared_writes": "shared",
    "timeline._output": "shared",
    "timeline._timeline": "facade",
    "timeline._store_writes": "facade",
    "timeline.bootstrap": "facade",
    "timeline._impact": "facade",
    "timeline._replayed": "facade",
    "timeline.formats._exchange": "formats",
    "timeline.exchange": "formats",
    "timeline.formats._export_forms": "formats",
    "timeline.formats._import_plan": "formats",
    "timeline.formats._bulk_import": "formats",
    "timeline.formats._releases": "formats",
    "timeline.formats": "formats",
    "timeline.branch": "branch",
    "timeline.cli": "cli",
    "timeline.__main__": "cli",
    "timeline.web": "web",
}
# ... and may import exactly these layers (its own included), nothing else first-party.
ALLOWED = {
    "engine": {"engine"},
    "seeds": {"seeds"},
    "projections": {"engine", "projections"},
    "shared": {"engine", "projections", "shared"},
    "facade": {"engine", "projections", "shared", "facade", "branch"},
    "formats": {"engine", "projections", "facade", "formats"},
    "branch": {"engine", "projections", "shared", "facade", "branch"},
    "api": {"engine", "facade", "branch", "formats"},
    "cli": {"api", "engine", "projections", "seeds", "facade", "formats", "branch", "cli"},
    "web": {"api", "engine", "projections", "shared", "facade", "formats", "cli", "web"},
}
FOLDERS = {"engine": "timeline.engine", "projections": "timeline.projections"}
FOLDERS |= {"seeds": "timeline.seeds", "timeline": "timeline"}


def layer_of(module: str) -> str | None:
    """The layer of a first-party module, None for any other module."""
    for name in sorted(LAYER_OF, key=len, reverse=True):
        if module == name or module.startswith(f"{name}."):
            return LAYER_OF[name]
    return None


def imported(source: str) -> set[str]:
    """The first-party modules a file's source imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "timeline":
            # `from timeline import x` reaches a submodule x, else the public surface.
            found |= {f"timeline.{a.name}" for a in node.names if a.name in _SUBMODULES}
            found |= {"timeline" for a in node.names if a.name not in _SUBMODULES}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m == "timeline" or m.startswith("timeline.")}


def _module_names() -> dict[Path, str]:
    """Every Python file of the package, by the module name it is installed as."""
    names: dict[Path, str] = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            names[path] = ".".join([package, *parts]).removesuffix(".__init__")
    return names


MODULES = _module_names()
_SUBMODULES = {m.split(".")[1] for m in MODULES.values() if m.count(".") >= 1}


def stray_imports(module: str, source: str) -> list[str]:
    """The imports of a module's source that its layer does not allow, as messages."""
    layer = layer_of(module)
    assert layer is not None, f"{module} is in no layer: add it to LAYER_OF"
    problems = []
    for target in sorted(imported(source)):
        reached = layer_of(target)
        if reached is None:
            problems.append(f"{module} imports {target}, which is in no layer")
        elif reached not in ALLOWED[layer]:
            problems.append(f"{module} ({layer}) imports {target} ({reached})")
    return problems


def test_every_module_of_every_layer_is_checked() -> None:
    layers = {layer_of(module) for module in MODULES.values()}
    assert layers >= set(ALLOWED) - {"formats"}, "a layer with no module checks nothing"
    assert len(MODULES) > 100


@pytest.mark.parametrize("path", list(MODULES), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_imports_only_what_its_layer_allows(path: Path) -> None:
    assert stray_imports(MODULES[path], path.read_text()) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("timeline.engine._rule", "from timeline.projections._sql import x"),
        ("timeline.engine._rule", "def f():\n    import timeline.branch"),
        ("timeline.engine._rule", "from timeline import Timeline"),
        ("timeline.projections._sql", "from timeline._shared_reads import x"),
        ("timeline.projections._sql", "from timeline.cli._options import x"),
        ("timeline.projections._sql", "from timeline.web import app"),
        ("timeline.branch._reads", "from timeline import cli"),
        ("timeline._shared_reads", "from timeline.branch import Branch"),
        ("timeline.cli._reads", "from timeline.web.api import app"),
        ("timeline.cli._reads", "from timeline._shared_writes import x"),
        ("timeline.web.api", "from timeline.branch import Branch"),
        ("timeline.seeds", "from timeline.engine import When"),
        ("timeline.engine._rule", "from timeline.nowhere import x"),
    ],
)
def test_an_import_outside_the_layer_is_reported(module: str, source: str) -> None:
    assert len(stray_imports(module, source)) == 1

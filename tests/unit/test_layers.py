"""The layers point one way: the engine stands alone, the read side never writes events."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import timeline

ROOT = Path(timeline.__file__).resolve().parent.parent

ENGINE_ALONE = """
import sys
sys.modules["timeline.projections"] = None  # any import of the read side now fails
sys.modules["timeline._timeline"] = None
from timeline.engine import Development, EventLog, Source, StanceClaim, StoreApplication
from timeline.engine.replay import fold_positions, known_developments
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


def _imports(folder: Path) -> dict[str, set[str]]:
    """The modules each file of a folder imports, at any depth of the file."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.name] = names
    return found


def test_no_engine_module_imports_the_read_side_or_the_facade() -> None:
    for name, modules in _imports(ROOT / "engine").items():
        upward = {
            m for m in modules if m.startswith(("timeline.projections", "timeline._timeline"))
        }
        upward |= {m for m in modules if m in ("timeline", "timeline.cli", "timeline.bootstrap")}
        assert not upward, f"engine/{name} imports {sorted(upward)}"


def test_the_read_side_never_imports_the_facade_or_the_command() -> None:
    for name, modules in _imports(ROOT / "projections").items():
        upward = {m for m in modules if m.startswith(("timeline._timeline", "timeline.cli"))}
        upward |= {m for m in modules if m in ("timeline", "timeline.bootstrap")}
        assert not upward, f"projections/{name} imports {sorted(upward)}"

"""The package's import graph reads in one direction (no module imports one after it).

Read from the source with ``ast`` (every import statement, also those inside
functions), so the test needs nothing to run. The engine's modules come in the
order of ``ENGINE``; around them, the topic modules (``dlmath.course``) use the
engine, the demos (``dlmath.widgets``) and the checkers (``dlmath.exercises``)
use the topic modules and the engine, and neither demos nor checkers import
each other.
"""

import ast
import graphlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dlmath"

ENGINE = ["errors", "functions", "graph", "ops", "losses", "autodiff", "compiled", "session",
          "train", "gradient_check", "data", "draw", "glue"]
# what each layer may import, besides the modules before it in its own list
LAYERS = {
    "course": {"engine", "dlmath", "course"},
    "widgets": {"engine", "dlmath", "course", "widgets"},
    "exercises": {"engine", "dlmath", "course", "exercises"},
}


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """The dlmath modules ``path`` imports, as dotted names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "dlmath")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "dlmath":
                continue
            for alias in node.names:              # from dlmath import data -> dlmath.data
                if (PACKAGE.parent / (module.replace(".", "/") + f"/{alias.name}.py")).exists():
                    found.add(f"{module}.{alias.name}")
                else:                             # a name defined in the module itself
                    found.add(module)
    found.discard(name)
    return found


GRAPH = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def layer(module):
    parts = module.split(".")
    if len(parts) == 1:
        return "dlmath"
    return "engine" if parts[1] in ENGINE else parts[1]


def test_the_import_graph_has_no_cycle():
    graphlib.TopologicalSorter(GRAPH).static_order()   # raises CycleError on a cycle


@pytest.mark.parametrize("module", [m for m in GRAPH if layer(m) == "engine"])
def test_an_engine_module_imports_only_the_ones_before_it(module):
    position = ENGINE.index(module.split(".")[1])
    for imported in GRAPH[module]:
        assert layer(imported) == "engine", f"{module} imports {imported}, outside the engine"
        assert ENGINE.index(imported.split(".")[1]) < position, (
            f"{module} imports {imported}, which comes after it in the reading order "
            f"{' -> '.join(ENGINE)}")


@pytest.mark.parametrize("module", [m for m in GRAPH if layer(m) in LAYERS])
def test_topic_demo_and_checker_modules_import_only_what_their_layer_may(module):
    for imported in GRAPH[module]:
        assert layer(imported) in LAYERS[layer(module)], (
            f"{module} imports {imported}: a {layer(module)} module may import only "
            f"{sorted(LAYERS[layer(module)])}")


def test_the_package_itself_imports_the_engine_only():
    assert all(layer(m) == "engine" for m in GRAPH["dlmath"])


def test_the_reading_order_names_every_engine_module():
    on_disk = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert on_disk == set(ENGINE)

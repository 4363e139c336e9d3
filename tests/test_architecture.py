"""The import rules of the README's "Architecture", checked on the source tree.

* Nothing in the core (ckanext-smartcityms/) imports the harvesters; the
  harvesters use the core.
* Rooms of the core import only rooms of lower layers (and themselves).
* No import cycles between modules.

Our own short check rather than import-linter: its graph builder walks one
folder per root package, while setup.py maps ckanext.smartcityms.harvesters
(and schemas, i18n) from sibling folders of the repository, so it would not
see the harvesters at all. Imports inside functions count like any other.
"""
import ast
import pathlib

import pytest

pytestmark = pytest.mark.fast

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "ckanext.smartcityms"
HARVESTERS = PACKAGE + ".harvesters"

# Top to bottom; a room imports only rooms below it or itself. Rooms on one
# line are independent of each other.
LAYERS = [
    {"plugin", "serving"},
    {"cli"},
    {"web", "security"},
    {"quality", "downloads"},
    {"dcat", "search", "datastore", "demo"},
    {"showcases", "data_requests"},
    {"fields"},
    {"strategy"},
    {"reference"},
    {"cache", "outbound"},
]


def package_dirs():
    """setup.py's PACKAGE_DIRS (import package -> folder), read without running setup()."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PACKAGE_DIRS":
            return ast.literal_eval(node.value)
    raise AssertionError("setup.py has no PACKAGE_DIRS")


def source_modules():
    """{module name: source text} of every Python file the package installs."""
    found = {}
    for package, folder in package_dirs().items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path.read_text("utf-8")
    return found


def imported(module, source, known):
    """Our modules that `module` imports (a `from package import name` of a submodule counts as it)."""
    is_package = module in {m.rsplit(".", 1)[0] for m in known if "." in m} or module == PACKAGE
    result = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            result.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                result.add(candidate if candidate in known else base)
    return {name for name in result if name in known and name != module}


def room(module):
    rest = module[len(PACKAGE) + 1:]
    return rest.split(".", 1)[0] if rest else ""


def layer_of(module):
    return next((i for i, rooms in enumerate(LAYERS) if room(module) in rooms), None)


def violations(modules):
    """Every broken rule, as readable lines (empty when the tree keeps them)."""
    known = set(modules)
    graph = {module: imported(module, source, known) for module, source in modules.items()}
    problems = []
    for module, targets in sorted(graph.items()):
        in_core = not (module == HARVESTERS or module.startswith(HARVESTERS + "."))
        for target in sorted(targets):
            if in_core and (target == HARVESTERS or target.startswith(HARVESTERS + ".")):
                problems.append(f"{module} imports {target}: the core never imports the harvesters")
                continue
            if not in_core or target == PACKAGE or room(module) == room(target):
                continue
            source_layer, target_layer = layer_of(module), layer_of(target)
            if source_layer is None or target_layer is None:
                problems.append(f"{module} -> {target}: a room missing from LAYERS")
            elif target_layer <= source_layer:
                problems.append(f"{module} imports {target}: {room(target)} is not below {room(module)}")
    problems.extend(f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph))
    return problems


def cycles(graph):
    """One cycle per strongly connected group of modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group) + [sorted(group)[0]])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_source_tree_keeps_the_import_rules():
    modules = source_modules()
    assert f"{HARVESTERS}.stadtwerke.harvester" in modules and f"{PACKAGE}.dcat.profile" in modules
    assert violations(modules) == []


def test_every_room_of_the_core_is_in_a_layer():
    rooms = {room(m) for m in source_modules() if not m.startswith(HARVESTERS) and m != PACKAGE}
    rooms -= {"schemas", "i18n", "harvesters"}
    assert rooms <= set().union(*LAYERS), rooms - set().union(*LAYERS)


def test_a_forbidden_import_and_a_cycle_are_caught():
    modules = source_modules()
    modules[f"{PACKAGE}.search.sneaky"] = "from ckanext.smartcityms.harvesters import common\n"
    modules[f"{PACKAGE}.reference.upward"] = "from ckanext.smartcityms.dcat import profile\n"
    modules[f"{PACKAGE}.dcat.loop_a"] = "def f():\n    from ckanext.smartcityms.dcat import loop_b\n"
    modules[f"{PACKAGE}.dcat.loop_b"] = "from . import loop_a\n"
    found = violations(modules)
    assert ("ckanext.smartcityms.search.sneaky imports ckanext.smartcityms.harvesters.common: "
            "the core never imports the harvesters") in found
    assert any(line.startswith("ckanext.smartcityms.reference.upward imports ckanext.smartcityms.dcat.profile")
               for line in found)
    assert ("import cycle: ckanext.smartcityms.dcat.loop_a -> ckanext.smartcityms.dcat.loop_b -> "
            "ckanext.smartcityms.dcat.loop_a") in found
    assert len(found) == 3, found

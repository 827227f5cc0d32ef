"""The house rules for imports, checked on the real import graph (grimp reads it from the
source): layers import only downward (bot → handlers → scheduler → storage and knowledge →
contract), nothing forms an import circle, a feature imports no other feature, adapters
import no feature, and only adapters import a platform library. What two features share
lives in storage or a shared handlers module."""

import grimp
import networkx as nx
import pytest

PACKAGES = ("bot", "contract", "handlers", "knowledge", "scheduler", "storage")
PLATFORM_LIBRARIES = frozenset({"slack_bolt", "slack_sdk", "discord", "microsoft_agents"})
# Higher layers may import lower ones; storage and knowledge are one floor.
LAYER = {"bot": 4, "handlers": 3, "scheduler": 2, "storage": 1, "knowledge": 1, "contract": 0}
# Modules under handlers/ that are not features: what features share, and the assembly.
SHARED = frozenset(
    {
        "handlers.clock",
        "handlers.entry_buttons",
        "handlers.ics",
        "handlers.impact",
        "handlers.network",
        "handlers.notify",
        "handlers.registry",
        "handlers.router",
        "handlers.services",
        "handlers.timeliness",
        "handlers.wording",
        "handlers.working_days",
    }
)
# Shared modules that may import no feature at all: what features build on, and the
# reports drawn from every feature's records.
SHARED_WITHOUT_FEATURES = ("handlers.impact", "handlers.network", "handlers.notify")
# The one module allowed to import every feature.
ASSEMBLY = "handlers.registry"


def feature_of(module: str) -> str | None:
    """`handlers.events.rsvp` → `handlers.events`; None for anything that is no feature."""
    parts = module.split(".")
    if parts[0] != "handlers" or len(parts) < 2:
        return None
    top = ".".join(parts[:2])
    return None if top in SHARED else top


def violations(graph: grimp.ImportGraph) -> list[str]:
    found = []
    edges = [
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    ]
    for importer, imported in edges:
        if imported.split(".")[0] in PLATFORM_LIBRARIES:
            if importer.split(".")[0] != "bot":
                found.append(f"{importer} imports the platform library {imported}")
            continue
        if imported.split(".")[0] not in LAYER:
            continue
        above = LAYER[imported.split(".")[0]] > LAYER[importer.split(".")[0]]
        if above:
            found.append(f"{importer} imports {imported}, a layer above it")
        source, target = feature_of(importer), feature_of(imported)
        if target and source and source != target:
            found.append(f"feature {source} imports feature {target} ({importer} → {imported})")
        if target and importer.split(".")[0] == "bot":
            found.append(f"adapter {importer} imports feature module {imported}")
        if target and importer.startswith(SHARED_WITHOUT_FEATURES):
            found.append(f"shared module {importer} imports feature module {imported}")
    directed = nx.DiGraph([(a, b) for a, b in edges if b.split(".")[0] in LAYER])
    for circle in nx.simple_cycles(directed):
        found.append("import circle: " + " → ".join([*circle, circle[0]]))
        if len(found) > 50:
            break
    return found


def project_graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        *PACKAGES, include_external_packages=True, exclude_type_checking_imports=True
    )


def test_the_project_keeps_the_house_rules() -> None:
    found = violations(project_graph())
    # The assembly imports every feature by design; it is held to every other rule.
    allowed = [v for v in found if v.startswith("feature ") and f"({ASSEMBLY} →" in v]
    assert [v for v in found if v not in allowed] == []


@pytest.mark.parametrize(
    ("importer", "imported", "expected"),
    [
        ("storage.events", "handlers.services", "a layer above it"),
        ("scheduler.dispatcher", "handlers.events.rsvp", "a layer above it"),
        ("contract.specs", "storage.members", "a layer above it"),
        ("handlers.kb.digest", "handlers.remi.report", "feature handlers.kb imports"),
        ("bot.slack.home", "handlers.events.rsvp", "adapter bot.slack.home imports feature"),
        ("storage.members", "storage.links", "import circle"),
        ("handlers.events.views", "discord", "imports the platform library"),
    ],
)
def test_a_deliberate_back_import_is_caught(importer: str, imported: str, expected: str) -> None:
    graph = project_graph()
    if imported not in graph.modules:
        graph.add_module(imported, is_squashed=True)
    if expected == "import circle":
        graph.add_import(importer="storage.links", imported="storage.members")
    graph.add_import(importer=importer, imported=imported)
    assert any(expected in v for v in violations(graph)), violations(graph)

"""The severity keys are made from the catalogue when an app starts (console.ui.keys), with the words
the help and the palette show: two consoles with different catalogues bind different keys, and no
class is made per catalogue."""

from __future__ import annotations

from console.catalog.catalog import Catalog, Severity
from console.ui.app import ConsoleApp
from console.ui.keys import BASE_BINDINGS, ConsoleKeys, keys_text


def with_debug(catalog: Catalog) -> Catalog:
    debug = Severity("debug", "D", 8, "d", "Chatter.", "Nothing.")
    return Catalog([*catalog.severities, debug], dict(catalog.events), list(catalog.layouts),
                     catalog.generic)


def test_one_key_per_severity_then_one_per_rank(catalog):
    keys = ConsoleKeys(catalog)
    toggles = [b for b in keys.severity_bindings if b.id.startswith("toggle-")]
    assert [(b.key, b.action) for b in toggles] == [
        (s.key, f"toggle_severity('{s.name}')") for s in catalog.severities if s.key]
    assert keys.by_severity == {s.name: s.key for s in catalog.severities if s.key}
    ranks = [b for b in keys.severity_bindings if b.id.startswith("rank-")]
    assert [b.key for b in ranks] == [str(i) for i in range(1, 8)]
    assert keys.bindings[:len(BASE_BINDINGS)] == BASE_BINDINGS


def test_the_words_for_each_key(catalog):
    keys = ConsoleKeys(catalog)
    words = {keys_text(b): keys.describe(b) for b in keys.bindings}
    assert words["c"] == "show or hide critical events"
    assert words["1"] == "show only critical"
    assert words["3"] == "show only critical, fatal, error"
    assert words["G, End"] == "follow the newest event again"
    assert words["?"] == "this list of keys"


async def test_two_consoles_two_catalogs_one_class(catalog, themes):
    site = with_debug(catalog)
    plain = ConsoleApp(catalog=catalog, themes=themes)
    debug = ConsoleApp(catalog=site, themes=themes)
    assert type(plain) is type(debug) is ConsoleApp
    assert "d" not in plain.keys.by_severity.values() and debug.keys.by_severity["debug"] == "d"
    async with debug.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "debug" in debug.model.filter.severities
        await pilot.press("d")
        assert "debug" not in debug.model.filter.severities
        await pilot.press("8")  # the eighth rank: everything but unknown
        assert debug.model.filter.severities == {s.name for s in site.severities if not s.unknown}

"""Templates: render(values) then split() gives the values back, for every catalogue template."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from console.catalog.loader import load_catalog
from console.catalog.template import compile_template

_CATALOG = load_catalog()
TEMPLATES = sorted({t.text: t for ev in _CATALOG.events.values() for t in ev.templates}.values(),
                   key=lambda t: t.text)
_PLACEHOLDER = re.compile(r"%\d+")


def literals(text: str) -> list[str]:
    """literal, literal, ... between and around the %N (possibly empty)."""
    return _PLACEHOLDER.split(text)


def _fragments(text: str) -> list[str]:
    """Bits of the template's own literal text, so drawn values come close to it."""
    out = set()
    for lit in literals(text):
        for i in range(len(lit) + 1):
            out.add(lit[:i])
            out.add(lit[i:])
        out.add(lit.strip())
    return sorted(x for x in out if x)


_CHARS = st.characters(blacklist_characters="\n", blacklist_categories=("Cs",))


def values_for(template):
    pieces = [lit for lit in literals(template.text) if lit]
    chunk = st.one_of(st.text(_CHARS, max_size=12),
                      st.sampled_from(_fragments(template.text) or ["x"]),
                      st.sampled_from([" ", ":", "(", ")", "from", "  ", "\t", "\u00e9", "\r"]))
    value = st.lists(chunk, max_size=5).map("".join).filter(
        lambda v: not any(p in v for p in pieces))
    numbers = sorted(set(template.numbers))
    return st.fixed_dictionaries({n: value for n in numbers})


def _unambiguous(template, values: dict[int, str]) -> bool:
    """Rules out the one inherent ambiguity of inverting a template: a value that ends with
    the start of the literal after it, e.g. %1='x from' in '%1 from %2' renders 'x from from y',
    which is equally (x, from y). Then the literal must first occur right after the value."""
    lits = literals(template.text)
    for i, n in enumerate(template.numbers[:-1]):
        after = lits[i + 1]
        if (values[n] + after).find(after) != len(values[n]):
            return False
    return True


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.text for t in TEMPLATES])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_render_then_split_gives_the_values_back(template, data):
    values = data.draw(values_for(template))
    assume(_unambiguous(template, values))
    text = template.render(values)
    assert "\n" not in text
    assert template.split(text) == values


def test_shipped_templates_are_all_covered():
    texts = {t.text for t in TEMPLATES}
    assert {"%1", "%1: %2", "%1 from %2", "connection from %1 (%2)", "listening on %1",
            "%1 sent a line longer than %2 bytes", "%1 listed: %2",
            "%1 resolves to %2 which does not resolve back"} == texts


def test_ambiguous_text_splits_at_the_first_literal():
    """Documents the rule the round-trip above has to exclude: shortest first value."""
    t = compile_template("%1 from %2")
    assert t.split("x from from y") == {1: "x", 2: "from y"}


def test_last_value_is_greedy():
    t = compile_template("%1: %2")
    assert t.split("a: b: c") == {1: "a", 2: "b: c"}


def test_text_that_does_not_fit():
    t = compile_template("connection from %1 (%2)")
    assert t.split("connection from 1.2.3.4") is None
    assert t.split("xconnection from a (b)") is None
    assert t.split("connection from a (b)x") is None


def test_literal_regex_characters_are_literal():
    t = compile_template("a.b* %1 [x] (%2)?")
    assert t.split("a.b* one [x] (two)?") == {1: "one", 2: "two"}
    assert t.split("aXbb one [x] (two)?") is None


def test_values_may_contain_newlines_and_percent():
    t = compile_template("%1 from %2")
    assert t.split("50%1\nz from %2") == {1: "50%1\nz", 2: "%2"}


def test_render_with_missing_value_is_empty_and_repeated_numbers():
    t = compile_template("%1-%2-%1")
    assert t.numbers == (1, 2, 1)
    assert t.render({1: "a"}) == "a--a"
    assert t.split("a-b-a") == {1: "a", 2: "b"}
    assert t.split("a-b-c") is None


def test_split_is_not_quadratic_on_hostile_text():
    import time
    t = compile_template("connection from %1 (%2)")
    message = "connection from " + " (" * 7_000  # 14 KB, no closing ")": does not fit
    start = time.perf_counter()
    assert t.split(message) is None
    assert time.perf_counter() - start < 0.1

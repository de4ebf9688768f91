"""The shipped catalogue says exactly what Isode's catalogue pages say.

Two sources of truth are checked:
  * the seed page (../shared/seeds/, parsed here, when the folder is present);
  * a hard-coded table below, so a CI run without shared/ still checks IDs,
    severities and parameter counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEED_NAME = "000_0f43b31fa241e90b.txt"
FACILITY = "MTA_SMTP"

# name: (id, severity, number of parameters, has an operator action)
SEED_EVENTS: dict[str, tuple[int, str, int, bool]] = {
    "BufferTooBig": (103, "error", 2, False),
    "Connection": (102, "info", 2, False),
    "Critical": (14, "critical", 2, True),
    "DNSBLfailed": (106, "warning", 2, False),
    "Error": (12, "error", 1, True),
    "ErrorS": (28, "error", 2, True),
    "Fatal": (13, "fatal", 1, True),
    "FatalS": (29, "fatal", 2, True),
    "Listen": (100, "notice", 1, False),
    "ListenError": (101, "fatal", 0, False),
    "Notice": (6, "notice", 1, True),
    "NoticeS": (22, "notice", 2, True),
    "rDNSfailed": (107, "warning", 2, False),
    "ReadPDU": (31, "pdu", 1, True),
    "SASLinit": (104, "error", 1, False),
    "SPFfail": (108, "error", 2, False),
    "SPFneutral": (110, "info", 2, False),
    "SPFnone": (112, "warning", 2, False),
    "SPFpass": (111, "info", 2, False),
    "SPFpermerror": (114, "error", 2, False),
    "SPFsoftfail": (109, "warning", 2, False),
    "SPFtemperror": (113, "error", 2, False),
    "Timeout": (105, "info", 1, False),
    "WritePDU": (30, "pdu", 1, True),
}

# From catalogue-facts.md: Isode's current release, no parameters or actions published.
NEWER_EVENTS: dict[str, tuple[str, int, str]] = {
    "ConnectFailed": ("error", 201, "The connection failed to the given host."),
    "ConnectTimeout": ("error", 202, "The connection timed out connecting to the given host."),
    "ConnectOK": ("notice", 203, "A connection has been established to the given host."),
    "BadHost": ("fatal", 204, "The hostname cannot be used for a connection."),
    "ConnectTempError": ("error", 205, "The host refused the connection with a temporary error."),
    "ConnectDenied": ("fatal", 206, "The host denied the connection with a permanent error."),
    "ConnectAttempt": ("info", 207, "Attempting connection to the given host."),
    "ConnectRetry": ("info", 208, "Retrying connections is attempted."),
    "ConnRecover": ("notice", 211, "Reports immediate recovery of the SMTP connection."),
    "Close": ("notice", 212, "Closing SMTP connection."),
    "channelChange": ("notice", 245,
                      "Authentication results in change of channel associated with connection."),
    "BURLfatal": ("fatal", 246, "Messages from internal BURL interface."),
    "BURLerror": ("error", 247, "Messages from internal BURL interface."),
    "BURLwarning": ("warning", 248, "Messages from internal BURL interface."),
    "BURLnotice": ("notice", 249, "Messages from internal BURL interface."),
    "BURLinfo": ("info", 250, "Messages from internal BURL interface."),
}

SEVERITIES = [("critical", "C", 1), ("fatal", "F", 2), ("error", "E", 3), ("warning", "W", 4),
              ("notice", "N", 5), ("info", "I", 6), ("pdu", "P", 7)]
SEVERITY_WORDS = "|".join(name for name, _, _ in SEVERITIES)


# -- the seed page ---------------------------------------------------------------------------

def _seed_path(repo_root: Path) -> Path:
    return repo_root.parent / "shared" / "seeds" / SEED_NAME


def parse_seed(text: str) -> dict[str, dict]:
    """The detailed sections (name, parameters, description, action) plus ID and severity
    from the summary table at the top."""
    lines = text.splitlines()
    starts = [i for i in range(len(lines) - 2)
              if lines[i].strip() and not lines[i + 1].strip() and lines[i + 2].strip() == "Message Text"]
    events: dict[str, dict] = {}
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        body = lines[start + 3:end]
        params = [m.group(2).strip() for m in (re.match(r"^\s+(\d+)\.\s+(.*)$", ln) for ln in body) if m]
        stripped = [ln.strip() for ln in body]
        d_at = stripped.index("Description")
        a_at = stripped.index("Action")
        description = " ".join(x for x in stripped[d_at + 1:a_at] if x)
        action = " ".join(x for x in stripped[a_at + 1:] if x)
        name = lines[start].strip()
        assert name not in events, f"seed section {name} appears twice"
        events[name] = {"parameters": params, "description": description, "action": action}
    # The summary table: NameSeverityIDDescription... run together on one line.
    table = lines[:starts[0]]
    for name, ev in events.items():
        rx = re.compile(rf"^{re.escape(name)}({SEVERITY_WORDS})(\d+)")
        rows = [m for m in map(rx.match, table) if m]
        assert len(rows) == 1, f"seed summary table: expected one row for {name}, found {len(rows)}"
        ev["severity"], ev["id"] = rows[0].group(1), int(rows[0].group(2))
    return events


@pytest.fixture(scope="module")
def seed(repo_root) -> dict[str, dict]:
    path = _seed_path(repo_root)
    if not path.is_file():
        pytest.skip(f"seed page {path} is absent (no ../shared/ beside the checkout); "
                    "the hard-coded table tests still run")
    return parse_seed(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mta(catalog):
    return {ev.name: ev for ev in catalog.events.values() if ev.facility == FACILITY}


# -- seed page vs. catalogue -----------------------------------------------------------------

def test_seed_page_has_24_events_and_the_table_agrees(seed):
    assert len(seed) == 24
    assert set(seed) == set(SEED_EVENTS)
    for name, ev in seed.items():
        ident, severity, n_params, has_action = SEED_EVENTS[name]
        assert (ev["id"], ev["severity"], len(ev["parameters"]), bool(ev["action"])) == \
               (ident, severity, n_params, has_action), name


@pytest.mark.parametrize("name", sorted(SEED_EVENTS))
def test_catalog_entry_matches_seed_verbatim(seed, mta, name):
    expected = seed[name]
    ev = mta.get(name)
    assert ev is not None, f"{name} is missing from catalog/mta_smtp.yaml"
    assert ev.name == name
    assert ev.id == expected["id"]
    assert ev.severity == expected["severity"]
    assert ev.description == expected["description"]
    assert ev.action == expected["action"]
    assert list(ev.parameters) == expected["parameters"]


# -- hard-coded table (runs without shared/) -------------------------------------------------

@pytest.mark.parametrize("name", sorted(SEED_EVENTS))
def test_seed_event_id_severity_and_parameter_count(mta, name):
    ident, severity, n_params, has_action = SEED_EVENTS[name]
    ev = mta.get(name)
    assert ev is not None, f"{name} is missing from the catalogue"
    assert ev.id == ident
    assert ev.severity == severity
    assert len(ev.parameters) == n_params
    assert bool(ev.action) is has_action
    assert ev.description.strip() == ev.description and ev.description
    assert ev.release == "seed"
    assert ev.file.endswith("mta_smtp.yaml")


def test_seed_parameter_names_that_the_templates_depend_on(mta):
    assert mta["Connection"].parameters == ("Caller's address", "Connection context")
    assert mta["Critical"].parameters == ("Text describing error",
                                          "Optional text when reporting system error")
    for spf in ("SPFfail", "SPFsoftfail", "SPFneutral", "SPFpass", "SPFnone", "SPFtemperror",
                "SPFpermerror"):
        assert mta[spf].parameters == ("Address/Name attempted", "Caller's IP address"), spf
    assert mta["ListenError"].parameters == ()
    assert mta["ListenError"].templates == ()


def test_seed_events_have_unique_ids(mta):
    ids = [mta[n].id for n in SEED_EVENTS]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("name", sorted(NEWER_EVENTS))
def test_newer_event(mta, name):
    severity, ident, description = NEWER_EVENTS[name]
    ev = mta.get(name)
    assert ev is not None, f"{name} is missing from the catalogue"
    assert (ev.severity, ev.id, ev.description) == (severity, ident, description)
    assert ev.release == "newer"
    assert ev.parameters == ()
    assert ev.templates == ()
    assert ev.action == ""


def test_facility_holds_exactly_seed_plus_newer(mta):
    assert set(mta) == set(SEED_EVENTS) | set(NEWER_EVENTS)
    assert len(mta) == 40


def test_catalog_templates_name_only_existing_parameters(mta):
    for ev in mta.values():
        for template in ev.templates:
            assert template.numbers, f"{ev.name}: template {template.text!r} has no %N"
            assert all(1 <= n <= len(ev.parameters) for n in template.numbers), ev.name


def test_reference_templates(mta):
    """log-layout.md's reference table."""
    expected = {
        "BufferTooBig": ["%1 sent a line longer than %2 bytes"],
        "Connection": ["connection from %1 (%2)"],
        "DNSBLfailed": ["%1 listed: %2"],
        "Error": ["%1"], "ErrorS": ["%1: %2"], "Fatal": ["%1"], "FatalS": ["%1: %2"],
        "Listen": ["listening on %1"], "ListenError": [], "Notice": ["%1"], "NoticeS": ["%1: %2"],
        "rDNSfailed": ["%1 resolves to %2 which does not resolve back"],
        "ReadPDU": ["%1"], "SASLinit": ["%1"], "Timeout": ["%1"], "WritePDU": ["%1"],
        **{n: ["%1 from %2"] for n in ("SPFfail", "SPFsoftfail", "SPFneutral", "SPFpass",
                                        "SPFnone", "SPFtemperror", "SPFpermerror")},
    }
    for name, texts in expected.items():
        assert [t.text for t in mta[name].templates] == texts, name
    critical = {t.text for t in mta["Critical"].templates}
    assert critical == {"%1", "%1: %2"}


# -- severities ------------------------------------------------------------------------------

def test_severity_letters_and_ranks(catalog):
    known = [(s.name, s.letter, s.rank) for s in catalog.severities if not s.unknown]
    assert known == SEVERITIES


def test_unknown_severity_exists_and_sorts_last(catalog):
    unknown = [s for s in catalog.severities if s.unknown]
    assert len(unknown) == 1
    assert unknown[0].name == "unknown"
    assert catalog.unknown.name == "unknown"
    assert unknown[0].rank > 7
    assert catalog.severities[-1].unknown


@pytest.mark.parametrize("name,letter,rank", SEVERITIES)
def test_severity_lookups(catalog, name, letter, rank):
    assert catalog.severity_for_letter(letter).name == name
    assert catalog.severity(name).rank == rank


@pytest.mark.parametrize("letter", ["X", "A", "?", "", None, "c"])
def test_letter_not_in_table_is_unknown(catalog, letter):
    assert catalog.severity_for_letter(letter).name == "unknown"


def test_every_event_severity_is_defined(catalog):
    names = {s.name for s in catalog.severities if not s.unknown}
    for ev in catalog.events.values():
        assert ev.severity in names, ev.name


# -- look-ups the CLI relies on ----------------------------------------------------------------

@pytest.mark.parametrize("query", ["Connection", "connection", "102", "MTA_SMTP-Connection",
                                   "I-MTA_SMTP-Connection", " Connection "])
def test_find_connection(catalog, query):
    found = catalog.find(query)
    assert [(e.facility, e.name) for e in found] == [(FACILITY, "Connection")]


def test_find_nothing(catalog):
    assert catalog.find("NoSuchEvent") == []
    assert catalog.find("999999") == []
    assert catalog.find("OTHER-Connection") == []


def test_lookup_by_other_facility_falls_back_to_the_name(catalog):
    ev = catalog.lookup("SMTP", "BufferTooBig")
    assert ev is not None and (ev.facility, ev.id) == (FACILITY, 103)
    assert catalog.lookup("SMTP", "NoSuchEvent") is None

"""Fixtures for the hostile suite: a site layout that lets strangers' text into every field, the app
built as launch() builds it, and a source the test feeds by hand."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from screen_helpers import (FakeSource, FrozenClock, list_rows, panel_text,  # noqa: F401
                            screen_lines, screen_segments, settle, wait_until as until)

# One permissive site layout: every field is "anything but |", so hostile text reaches the time, host,
# program, pid, letter, facility and event columns, not only the message.
PIPE_LAYOUT = r"""
layouts:
  - name: hostile-pipes
    time: iso
    regex: '^(?P<timestamp>[^|]*)\|(?P<host>[^|]*)\|(?P<program>[^|]*)\|(?P<pid>[^|]*)\|(?P<letter>[^|])\|(?P<facility>[^|]*)\|(?P<event>[^|]*)\|(?P<message>.*)$'
"""
FIXED_START = datetime(2026, 11, 24, 9, 0, 0)


def pipe_line(*, ts: str = "2026-11-24 10:00:00.000", host: str = "mail1", program: str = "smtpsrvr",
              pid: str = "42", letter: str = "W", facility: str = "MTA_SMTP", event: str = "DNSBLfailed",
              message: str = "x") -> str:
    return "|".join([ts, host, program, pid, letter, facility, event, message])


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("site-catalog")
    (d / "layouts.yaml").write_text(PIPE_LAYOUT, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def site_catalogue(site_dir):
    from console.catalogue_loader import load_catalogue
    return load_catalogue([site_dir])


@pytest.fixture(scope="session")
def themes(catalogue):
    from console.themes_data import load_themes
    return load_themes(catalogue=catalogue)


@pytest.fixture
def make_app(catalogue, themes):
    """ConsoleApp built the way launch() builds it (for any catalogue), with a frozen clock."""
    from console.ui.app import ConsoleApp

    def make(*, cat=None, theme: str = "smtp-dark", history: int = 100_000, source=None):
        cat = cat or catalogue
        return ConsoleApp.for_catalogue(cat)(catalogue=cat, themes=themes, theme=theme, history=history,
                                             source=source, clock=FrozenClock())
    return make

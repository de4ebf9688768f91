"""Fixtures for the hostile suite: a site layout that lets strangers' text into every field (the app,
make_app, is built in tests/conftest.py; a source the test feeds by hand is screen_helpers.FakeSource)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screen_helpers import (FakeSource, FrozenClock, list_rows, panel_text,  # noqa: F401
                            record_notifications, screen_lines, screen_segments, settle, wait_until as until)

# One permissive site layout: every field is "anything but |", so hostile text reaches the time, host,
# program, pid, letter, facility and event columns, not only the message.
PIPE_LAYOUT = r"""
layouts:
  - name: hostile-pipes
    time: iso
    regex: '^(?P<timestamp>[^|]*)\|(?P<host>[^|]*)\|(?P<program>[^|]*)\|(?P<pid>[^|]*)\|(?P<letter>[^|])\|(?P<facility>[^|]*)\|(?P<event>[^|]*)\|(?P<message>.*)$'
"""


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
def site_catalog(site_dir):
    from console.catalog.loader import load_catalog
    return load_catalog([site_dir])


"""Shared, generic fixtures for the whole suite. Keep this small: feature-specific
fixtures belong next to the tests that use them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # the checkout need not be installed to be tested
    sys.path.insert(0, str(REPO_ROOT))
TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:  # shared helper modules (screen_helpers) import by their own unique names
    sys.path.insert(0, TESTS)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def catalogue():
    """The shipped catalogue, loaded once. Treat it as read-only."""
    from console.catalogue_loader import load_catalogue
    return load_catalogue()


@pytest.fixture
def decoder(catalogue):
    """A fresh Decoder per test (a Decoder reorders its layouts as it goes)."""
    from console.decoder import Decoder
    return Decoder(catalogue)

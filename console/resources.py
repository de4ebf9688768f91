"""Finds the shipped catalog/ and themes/ folders, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Inside the wheel the folders live in console/_data; in a checkout, beside the package."""
    installed = _HERE / "_data" / name
    if installed.is_dir():
        return installed
    return _HERE.parent / name


def catalog_dir() -> Path:
    return data_dir("catalog")


def themes_dir() -> Path:
    return data_dir("themes")

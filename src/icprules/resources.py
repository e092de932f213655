"""Where the shipped rule packs, data files and published schemas are.

In the repository they sit at the top (``rules/``, ``data/``, ``schema/``), where the people
who change them look. A wheel carries them inside the package, as ``icprules/shipped/...``
(see ``[tool.setuptools.package-dir]`` in pyproject.toml). A source checkout or an editable
install reads them from the top of the repository.
"""

from __future__ import annotations

from functools import cache
from importlib.abc import Traversable  # importlib.resources.abc from Python 3.11 on
from importlib.resources import files
from pathlib import Path

FOLDERS = ("rules", "data", "schema")


@cache
def shipped(folder: str) -> Traversable:
    """The shipped folder ``rules``, ``data`` or ``schema``."""
    if folder not in FOLDERS:
        raise ValueError(f"no shipped folder {folder!r}")
    inside = files("icprules") / "shipped" / folder
    if inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parents[2] / folder
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"icprules is installed without its {folder}/ folder (looked in {inside} and {checkout})")

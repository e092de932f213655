"""The photo checks are calibrated on realistic uploads (tests/fixtures/photos, made by make.py there).

Ordinary good uploads — a licence scanned flat, an ID card cropped tight, a card cropped with a
thin white margin — raise no photo warning; a card small on a white page and a card on a desk do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, base, run

PHOTOS = Path(__file__).parent / "fixtures" / "photos"


def _warnings(name: str, tmp_path: Path) -> set[str]:
    shutil.copytree(EXAMPLES / "files", tmp_path / "files")
    shutil.copy(PHOTOS / name, tmp_path / "files" / name)
    doc = base("website")
    doc["entity"]["attachments"]["entity_principal_id"] = [f"files/{name}", "files/zhangsan-id-back.jpg"]
    report = run(doc, base_dir=tmp_path)
    return {f.rule for f in report.findings if f.path.startswith("entity.attachments.entity_principal_id[0]")
            and f.rule.startswith("attachment.photo")}


@pytest.mark.parametrize("name", sorted(p.name for p in PHOTOS.glob("good-*.jpg")))
def test_an_ordinary_good_upload_raises_no_photo_warning(name: str, tmp_path: Path) -> None:
    assert _warnings(name, tmp_path) == set()


@pytest.mark.parametrize(("name", "expected"), [
    ("bad-id-small-on-white-page.jpg", {"attachment.photo-fill"}),
    ("bad-id-on-wooden-desk.jpg", {"attachment.photo-background"}),
])
def test_what_the_precautions_are_about_is_warned(name: str, expected: set[str], tmp_path: Path) -> None:
    assert _warnings(name, tmp_path) == expected


def test_the_fixtures_are_all_there() -> None:
    names = {p.name for p in PHOTOS.glob("*.jpg")}
    assert len([n for n in names if n.startswith("good-")]) >= 3 and len(names) >= 5

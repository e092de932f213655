"""The photo checks are calibrated on realistic uploads (tests/fixtures/photos, made by make.py there).

Ordinary good uploads — a licence scanned flat, an ID card cropped tight, a card cropped with a
thin white margin — raise no photo warning; a card small on a white page and a card on a desk do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

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


def test_a_phone_camera_jpeg_with_a_multi_picture_segment_is_a_jpeg(tmp_path: Path) -> None:
    """Many phone cameras write a multi-picture (MPF) segment into their JPEGs, for a depth map or a
    preview; Pillow opens such a file as "MPO". It is an ordinary .jpg, and was refused as "mpo"."""
    with Image.open(EXAMPLES / "files" / "zhangsan-id-front.jpg") as photo:
        photo.load()
        depth_map = photo.convert("L").resize((190, 325))
        shutil.copytree(EXAMPLES / "files", tmp_path / "files")
        photo.save(tmp_path / "files" / "phone.jpg", "MPO", save_all=True, append_images=[depth_map])
    with Image.open(tmp_path / "files" / "phone.jpg") as opened:
        assert opened.format == "MPO" and getattr(opened, "n_frames", 1) == 2  # what Pillow makes of it
    doc = base("website")
    doc["entity"]["attachments"]["entity_principal_id"][0] = "files/phone.jpg"
    report = run(doc, base_dir=tmp_path)
    assert not [f for f in report.findings if f.path.startswith("entity.attachments.entity_principal_id[0]")]
    assert report.ok


def _white_by_band(thumb: Image.Image, level: int) -> Image.Image:
    """255 where every channel is at least ``level``: each band thresholded, then multiplied."""
    from PIL import ImageChops

    r, g, b = (band.point(lambda v: 255 if v >= level else 0) for band in thumb.split())
    return ImageChops.multiply(ImageChops.multiply(r, g), b)


def _fair_measures(path: Path) -> tuple[bool, float, float]:
    """The measures of a thumbnail made the slow, fair way: the whole image decoded, one resampling,
    each band thresholded on its own."""
    from PIL import ImageChops

    from icprules.primitives import attachments

    with Image.open(path) as img:
        img.load()
        mode, thumb = img.mode, img.convert("RGB")
    thumb.thumbnail((512, 512), reducing_gap=None)
    w, h = thumb.size
    light = _white_by_band(thumb, 200)
    ring = sum(attachments._nonzero(light.crop(b)) for b in [(0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h),
                                                              (w - 1, 0, w, h)]) / (2 * w + 2 * h)
    box = ImageChops.invert(_white_by_band(thumb, 230)).getbbox()
    fill = 0.0 if box is None else (box[2] - box[0]) * (box[3] - box[1]) / (w * h)
    return attachments._is_colour(mode, thumb), ring, fill


@pytest.mark.parametrize("path", sorted([*PHOTOS.glob("*.jpg"), *(EXAMPLES / "files").glob("*.jpg"),
                                         *(EXAMPLES / "files").glob("*.png")]), ids=lambda p: p.name)
def test_the_quick_thumbnail_measures_what_a_fair_one_does(path: Path) -> None:
    """The thumbnail is decoded at reduced scale and reduced by a whole factor first; what the photo
    checks read of it stays within a tenth of a percentage point of a fair thumbnail of the whole image."""
    from icprules.primitives import attachments

    found = attachments.probe(path, 40_000_000)
    quick = attachments.measure(found, 512, 230, 200)
    colour, ring, fill = _fair_measures(path)
    assert quick.error is None and quick.colour == colour
    assert abs(quick.ring_white - ring) < 0.001 and abs(quick.fill - fill) < 0.001


@pytest.mark.parametrize("level", [0, 1, 200, 230, 255])
def test_the_white_mask_is_every_channel_at_least_the_level(level: int) -> None:
    from icprules.primitives import attachments

    for path in [*PHOTOS.glob("*.jpg"), EXAMPLES / "files" / "domain-real-name.png"]:
        thumb, _ = attachments._thumbnail(path, 512)
        quick = attachments._white_mask(attachments._darkest_channel(thumb), level)
        assert quick.tobytes() == _white_by_band(thumb, level).tobytes(), path.name

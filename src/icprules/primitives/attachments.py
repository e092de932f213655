"""Attached files: readable, of an accepted kind by content, and images that meet their spec.

Images are probed with Pillow, lazily: the header gives format and size without
decoding, so an oversized (decompression bomb) image is refused before any pixel
is read; colour and the photo precautions are measured on a bounded thumbnail
(JPEG draft mode decodes at reduced scale). Truncated and corrupt files are
reported, never raised.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat, UnidentifiedImageError

from ..context import Env
from ..registry import check, why
from .files import resolve_inside

_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Probe:
    path: Path
    size: int
    kind: str | None  # jpeg, png, pdf, gif... or None when unknown
    width: int = 0
    height: int = 0
    mode: str = ""
    problem: dict[str, Any] | None = None  # why the content cannot be used (a reason)


def probe(path: Path, max_pixels: int) -> Probe:
    """Identify a file by its content; never raises. Memoised while the file is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        return Probe(path, 0, None, problem=why("unreadable", detail=exc.strerror or "error"))
    return _probe_cached(path, stat.st_mtime_ns, stat.st_size, max_pixels)


@lru_cache(maxsize=256)
def _probe_cached(path: Path, _mtime_ns: int, _size: int, max_pixels: int) -> Probe:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return Probe(path, 0, None, problem=why("unreadable", detail=exc.strerror or "error"))
    if head.startswith(_PDF_MAGIC):
        return _probe_pdf(path, size)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                kind = _kind_of(img.format)
                if width * height > max_pixels:
                    return Probe(path, size, kind, width, height, img.mode,
                                 problem=why("too_many_pixels", width=width, height=height, max_pixels=max_pixels))
                return Probe(path, size, kind, width, height, img.mode)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return Probe(path, size, None, problem=why("pixel_bomb", max_pixels=max_pixels))
    except UnidentifiedImageError:
        return Probe(path, size, None)
    except (OSError, ValueError, SyntaxError) as exc:
        return Probe(path, size, None, problem=why("not_an_image", detail=str(exc)[:80]))


#: Pillow's names for files that are, to a reviewer and to every portal, another kind. A JPEG that
#: carries a multi-picture (MPF) segment, as many phone cameras write (a depth map, a preview), opens
#: as "MPO": it is an ordinary .jpg whose first picture is the photo, and was refused as "mpo".
_SAME_KIND = {"mpo": "jpeg"}


def _kind_of(pillow_format: str | None) -> str | None:
    kind = (pillow_format or "").lower() or None
    return _SAME_KIND.get(kind, kind) if kind else None


def _probe_pdf(path: Path, size: int) -> Probe:
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError as exc:
        return Probe(path, size, "pdf", problem=why("unreadable", detail=exc.strerror or "error"))
    if b"%%EOF" not in tail:
        return Probe(path, size, "pdf", problem=why("pdf_truncated"))
    return Probe(path, size, "pdf")


def _thumbnail(path: Path, longest: int) -> tuple[Image.Image, float]:
    """The image at most ``longest`` pixels on its longer side, in RGB, and how transparent its edge is
    on average (0 to 1); raises OSError/ValueError on truncated or corrupt data.

    An image with transparency is measured as a web page shows it, on white. Many tools that
    remove a background save it transparent, and what the filing system does with that is not
    published (a conversion to JPEG may turn it black): the share is what
    ``photo_precautions`` with ``measure: transparent`` warns of.

    A JPEG is decoded at the smallest scale still as large as the thumbnail (draft mode), not the
    smallest still ``longest`` wide *and* high, which decoded a portrait ID photo whole. The
    thumbnail is made by reducing by a whole factor first (``reducing_gap=1.0``), which Pillow
    documents as faster and close to a fair resampling. The measures taken from it are those of
    a fair thumbnail of the whole image: tests/test_photos.py compares them on the calibration
    photos. Together about a third of an image's cost, and a fifth of a command-line check's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as img:
            width, height = img.size
            scale = min(1.0, longest / max(width, height, 1))
            img.draft("RGB", (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))))
            img.load()
            transparent = 0.0
            if img.has_transparency_data:
                rgba = img.convert("RGBA")
                transparent = _ring_mean(ImageChops.invert(rgba.getchannel("A")))
                thumb: Image.Image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
            else:
                # Decoded pixels outlive the file; an RGB image needs no converted copy.
                thumb = img if img.mode == "RGB" else img.convert("RGB")
    thumb.thumbnail((longest, longest), reducing_gap=1.0)
    return thumb, transparent


@dataclass(frozen=True)
class Measures:
    """What one decode of an image tells: every pixel-level check reads these."""

    error: dict[str, Any] | None = None  # the image is corrupt or truncated (a reason)
    colour: bool = True
    ring_white: float = 1.0  # share of the outermost pixel ring that is light (white, or light paper)
    fill: float = 1.0  # share of the frame covered by the bounding box of non-white pixels
    transparent: float = 0.0  # how transparent the outermost pixel ring is, on average (0 to 1)


_DECODE_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning)


def measure(found: Probe, longest: int = 512, white_level: int = 230, light_level: int = 200) -> Measures:
    """Decode once at thumbnail size and measure; memoised while the file is unchanged."""
    try:
        stat = found.path.stat()
    except OSError as exc:
        return Measures(error=why("unreadable", detail=exc.strerror or "error"))
    return _measure_cached(found.path, stat.st_mtime_ns, stat.st_size, found.mode, longest, white_level,
                           light_level)


@lru_cache(maxsize=256)
def _measure_cached(path: Path, _mtime_ns: int, _size: int, mode: str, longest: int, level: int,
                    light_level: int) -> Measures:
    try:
        thumb, transparent = _thumbnail(path, longest)
    except _DECODE_ERRORS as exc:
        return Measures(error=why("corrupt_image", detail=str(exc)[:80]))
    darkest = _darkest_channel(thumb)
    mask = _white_mask(darkest, level)
    w, h = thumb.size
    # The outermost ring of pixels is what shows around the document: a white background, or,
    # when the document fills the frame (a flat scan, a tight crop), its own light paper or card.
    # Either is fine; a desk or a dark cloth is not. So the ring is judged "light" at a lower level
    # than the white that finds the document. Rows and columns are counted with histograms.
    ring_white = _ring_share(_white_mask(darkest, light_level))
    box = ImageChops.invert(mask).getbbox()  # the bounding box of everything that is not white
    fill = 0.0 if box is None else (box[2] - box[0]) * (box[3] - box[1]) / (w * h)
    return Measures(None, _is_colour(mode, thumb), ring_white, fill, transparent)


def _ring(band: Image.Image) -> tuple[list[Image.Image], int]:
    """The four edges of a one-band image (its outermost ring of pixels), and their length (corners
    count twice)."""
    w, h = band.size
    edges = [(0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h)]
    return [band.crop(box) for box in edges], 2 * w + 2 * h


def _ring_share(mask: Image.Image) -> float:
    """The share of a one-band image's outermost ring of pixels that is not 0."""
    edges, length = _ring(mask)
    return sum(_nonzero(edge) for edge in edges) / length


def _ring_mean(band: Image.Image) -> float:
    """The mean of a one-band image's outermost ring of pixels, from 0 to 1."""
    edges, length = _ring(band)
    return sum(ImageStat.Stat(edge).sum[0] for edge in edges) / (255 * length)


def _nonzero(img: Image.Image) -> int:
    """How many pixels of a one-band image are not 0."""
    return img.width * img.height - img.histogram()[0]


def _probe_file(value: Any, env: Env, params: Any) -> Probe | dict[str, Any]:
    if not isinstance(value, str):
        return why("not_a_path")
    path = resolve_inside(value, env.base_dir)
    if isinstance(path, dict):
        return path
    max_pixels = int(params.get("max_pixels", 40_000_000))
    key = ("__probe__", str(path), max_pixels)
    hit = env.cache.get(key)
    if hit is None:
        hit = _within_document_budget(probe(path, max_pixels), env, params.get("max_document_pixels"))
        env.cache[key] = hit
    assert isinstance(hit, Probe)
    return hit


def _within_document_budget(found: Probe, env: Env, limit: Any) -> Probe:
    """The probe, or a problem when this image would take the document's images past ``limit`` pixels.

    Each file is bounded on its own; many large images together would still take long to decode,
    so the pixels of the distinct images of one document are counted too. The first images (in
    rule order) are decoded; those past the budget are reported, not decoded.
    """
    if not limit or found.problem or not found.width:
        return found
    counted: dict[str, int] = env.cache.setdefault(("__document_pixels__",), {})
    if str(found.path) not in counted:
        counted[str(found.path)] = found.width * found.height
    if sum(counted.values()) <= int(limit):
        return found
    del counted[str(found.path)]
    return dataclasses.replace(found, problem=why("document_pixels", max_document_pixels=f"{int(limit):,}"))


_FILE_PARAMS = {
    "type": "object", "additionalProperties": False,
    "properties": {"max_pixels": {"type": "integer", "minimum": 1},
                   "max_document_pixels": {"type": "integer", "minimum": 1},
                   "kinds": {"type": "array", "items": {"type": "string"}},
                   "extensions": {"type": "object"}},
}


@check("file_readable", params=_FILE_PARAMS,
       doc={"zh": "附件路径指向申请文件所在目录内的一个可读文件（不能用 .. 或链接跳出该目录）",
            "en": "the attachment path names a readable file inside the document's folder "
                  "(no '..' or link leading out)"})
def _file_readable(value: Any, params: Any, env: Env) -> Any:
    if isinstance(value, list):
        return True  # the items are checked one by one
    found = _probe_file(value, env, params)
    if isinstance(found, dict):
        return False, found
    return True


@check("file_kind", params=_FILE_PARAMS,
       doc={"zh": "文件内容（而非文件名）是可接受的类型，且完整可读（不是损坏、截断或超大像素的图片）",
            "en": "the file's content (not its name) is an accepted kind, complete and readable "
                  "(not corrupt, truncated or a decompression bomb)"})
def _file_kind(value: Any, params: Any, env: Env) -> Any:
    found = _probe_file(value, env, params)
    if not isinstance(found, Probe):
        return True  # file_readable reports it
    kinds = params.get("kinds") or []
    if found.problem:
        return False, found.problem
    if found.kind not in kinds:
        return False, why("wrong_kind", kind=found.kind or "?", kinds=", ".join(kinds))
    if found.kind in ("jpeg", "png"):
        error = measure(found).error
        if error:
            return False, error
    return True


@check("file_extension", params=_FILE_PARAMS,
       doc={"zh": "文件扩展名与内容一致", "en": "the file name's extension matches its content"})
def _file_extension(value: Any, params: Any, env: Env) -> Any:
    found = _probe_file(value, env, params)
    if not isinstance(found, Probe) or found.kind is None:
        return True
    names = (params.get("extensions") or {}).get(found.kind)
    if not names:
        return True
    ext = found.path.suffix.lower().lstrip(".")
    return ext in names, {"kind": found.kind, "extension": ext or "(none)"}


def _image(value: Any, params: Any, env: Env) -> Probe | None:
    """The probe of a readable JPEG/PNG attachment, or None (other rules report the rest)."""
    found = _probe_file(value, env, params)
    if not isinstance(found, Probe) or found.problem or found.kind not in ("jpeg", "png"):
        return None
    return found


@check("image_file_size",
       params={"type": "object", "additionalProperties": False,
               "properties": {"min_kb": {"type": "number", "minimum": 0}, "max_kb": {"type": "number", "minimum": 0},
                              "max_pixels": {"type": "integer", "minimum": 1},
                   "max_document_pixels": {"type": "integer", "minimum": 1},
                              "kilobyte": {"description": "the bytes a K may mean (1000, 1024): the guides do not say",
                                           "anyOf": [{"type": "array", "items": {"type": "integer"}},
                                                     {"type": "object"}]},
                              "readings": {"enum": ["any", "all"],
                                           "description": "in range under any reading of K (an error when not), "
                                                          "or under all of them (a warning when not)"}}},
       doc={"zh": "图片文件大小在范围内（K 可能是 1000 或 1024 字节：any 为任一读法下在范围内，"
                  "all 为所有读法下都在范围内）",
            "en": "the image file's size is in range (K may be 1000 or 1024 bytes: any = in range under some "
                  "reading, all = under every reading)"})
def _image_file_size(value: Any, params: Any, env: Env) -> Any:
    found = _image(value, params, env)
    if found is None:
        return True
    low, high = params.get("min_kb"), params.get("max_kb")
    readings = [int(k) for k in params.get("kilobyte") or [1024]]
    fits = [(low is None or found.size >= low * k) and (high is None or found.size <= high * k) for k in readings]
    ok = all(fits) if params.get("readings") == "all" else any(fits)
    bounds = {"min_bytes": f"{max(low * k for k in readings):,}" if low is not None else "",
              "max_bytes": f"{min(high * k for k in readings):,}" if high is not None else ""}
    return ok, {"size_kb": f"{found.size / 1024:.0f}", "bytes": f"{found.size:,}", "min_kb": low, "max_kb": high,
                **bounds}


@check("image_resolution",
       params={"type": "object", "additionalProperties": False,
               "properties": {"min_width": {"type": "integer", "minimum": 0},
                              "min_height": {"type": "integer", "minimum": 0},
                              "either_orientation": {"type": "boolean"},
                              "max_pixels": {"type": "integer", "minimum": 1},
                   "max_document_pixels": {"type": "integer", "minimum": 1}}},
       doc={"zh": "图片分辨率不低于要求（可设为横竖方向均可）",
            "en": "the image's resolution is at least the minimum (optionally in either orientation)"})
def _image_resolution(value: Any, params: Any, env: Env) -> Any:
    found = _image(value, params, env)
    if found is None:
        return True
    w, h = found.width, found.height
    mw, mh = int(params.get("min_width", 0)), int(params.get("min_height", 0))
    ok = (w >= mw and h >= mh) or (bool(params.get("either_orientation")) and w >= mh and h >= mw)
    return ok, {"width": w, "height": h, "min_width": mw, "min_height": mh}


@check("image_colour",
       params={"type": "object", "additionalProperties": False,
               "properties": {"max_pixels": {"type": "integer", "minimum": 1},
                   "max_document_pixels": {"type": "integer", "minimum": 1}}},
       doc={"zh": "彩色图片（灰度模式或灰色内容的彩色模式图片都不算）",
            "en": "a colour image (a greyscale mode, or grey content saved in a colour mode, is not)"})
def _image_colour(value: Any, params: Any, env: Env) -> Any:
    found = _image(value, params, env)
    return True if found is None else measure(found).colour


def _is_colour(mode: str, thumb: Image.Image) -> bool:
    if mode in ("1", "L", "LA", "I", "F", "I;16"):
        return False
    # A colour-mode image of a grey scan is still grey: look at the chroma spread.
    stat = ImageStat.Stat(thumb.convert("YCbCr"))
    _, cb, cr = stat.stddev
    mean_cb, mean_cr = stat.mean[1:]
    return bool(cb > 2.0 or cr > 2.0 or abs(mean_cb - 128) > 4 or abs(mean_cr - 128) > 4)


_PHOTO_PARAMS = {
    "type": "object", "required": ["photo"], "additionalProperties": False,
    "properties": {"photo": {"type": "object"}, "max_pixels": {"type": "integer", "minimum": 1},
                   "max_document_pixels": {"type": "integer", "minimum": 1},
                   "measure": {"enum": ["background", "fill", "transparent"]}},
}


@check("photo_precautions", params=_PHOTO_PARAMS,
       doc={"zh": "照片注意事项中可测量的部分：背景接近白色（measure: background，透明处按白色计）；"
                  "证件占画面比例（measure: fill）；背景不透明（measure: transparent）",
            "en": "the measurable photo precautions: a near-white background (measure: background, transparency "
                  "counted as white); the document filling the frame (measure: fill); a background that is not "
                  "transparent (measure: transparent)"})
def _photo_precautions(value: Any, params: Any, env: Env) -> Any:
    found = _image(value, params, env)
    if found is None:
        return True
    photo = params["photo"]
    found_measures = measure(found, int(photo["thumbnail"]), int(photo["white_level"]), int(photo["light_level"]))
    if found_measures.error:
        return True  # file_kind reports it
    if params.get("measure", "background") == "background":
        share = found_measures.ring_white
        return share >= float(photo["frame_white_min"]), {"white": f"{share:.0%}"}
    if params["measure"] == "transparent":
        share = found_measures.transparent
        return share <= float(photo["frame_transparent_max"]), {"transparent": f"{share:.0%}"}
    fill = found_measures.fill
    return fill >= float(photo["fill_min"]), {"fill": f"{fill:.1%}", "fill_min": f"{float(photo['fill_min']):.0%}"}


def _darkest_channel(thumb: Image.Image) -> Image.Image:
    """Each pixel's lowest channel: a pixel is white only if all its channels are."""
    r, g, b = thumb.split()
    return ImageChops.darker(ImageChops.darker(r, g), b)


def _white_mask(darkest: Image.Image, level: int) -> Image.Image:
    """255 where every channel is at least ``level``, from :func:`_darkest_channel`."""
    return darkest.point([255 if v >= level else 0 for v in range(256)])

"""Build test attachments with Pillow: documents of a given size in pixels and bytes,
grey, small, corrupt, truncated, bombs and mislabelled files."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw


def document(width: int = 760, height: int = 1300, *, grey: bool = False, margin: int = 4,
             background: tuple[int, int, int] = (255, 255, 255), seed: int = 0) -> Image.Image:
    """A light page with a coloured frame at ``margin`` px and some coloured strokes."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(img)
    draw.rectangle([margin, margin, width - margin - 1, height - margin - 1], fill=(250, 250, 248))
    draw.rectangle([margin, margin, width - margin - 1, height - margin - 1], outline=(30, 90, 160), width=6)
    for _ in range(300):
        x, y = rnd.randrange(margin + 20, width - margin - 80), rnd.randrange(margin + 20, height - margin - 20)
        draw.line([x, y, x + rnd.randrange(8, 60), y], fill=(rnd.randrange(40, 200), 60, 120), width=3)
    return img.convert("L").convert("RGB") if grey else img


def jpeg_bytes(img: Image.Image, size: int | None = None, quality: int = 85) -> bytes:
    """JPEG data, padded with COM segments to exactly ``size`` bytes when given."""
    for q in range(quality, 4, -10):  # lower the quality until the image fits under ``size``
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q)
        data = buf.getvalue()
        if size is None or len(data) <= size - 4:
            break
    if size is None:
        return data
    if len(data) > size - 4:
        raise ValueError(f"natural JPEG is {len(data)} bytes, more than the {size} asked")
    pad = size - len(data)
    segments = []
    while pad > 0:
        # A COM segment is FF FE + 2-byte length (which counts itself) + payload.
        chunk = min(pad, 65535 + 2)
        if pad - chunk in (1, 2, 3):  # leave room for a last segment of at least 4 bytes
            chunk -= 4
        payload = chunk - 4
        segments.append(b"\xff\xfe" + struct.pack(">H", payload + 2) + b"\0" * payload)
        pad -= chunk
    return data[:2] + b"".join(segments) + data[2:]


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
       b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def build(path: Path, recipe: dict[str, Any]) -> None:
    """Write one file from a recipe (see tests/cases/attachments.yaml)."""
    kind = recipe.get("kind", "jpeg")
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "text":
        path.write_text("<html>not an image</html>")
        return
    if kind == "pdf":
        path.write_bytes(PDF)
        return
    if kind == "pdf_truncated":
        path.write_bytes(PDF[:-7])
        return
    if kind == "bomb":
        path.write_bytes(png_bomb(*recipe.get("pixels", [20000, 20000])))
        return
    if kind == "apk":  # an APK built with cryptography (tests/apkbuild.py), signed by a certificate named so
        import apkbuild

        signer = apkbuild.signer(recipe.get("subject", "Example Release"))
        path.write_bytes(apkbuild.apk(recipe.get("package", "cn.example.ledger"), recipe.get("label", "示例记账"),
                                      signer_=signer))
        return
    if kind == "fixture":  # a real artefact of tests/fixtures (APKs and certificates: see their README)
        path.write_bytes((Path(__file__).resolve().parent / "fixtures" / recipe["name"]).read_bytes())
        return
    width, height = recipe.get("size", [760, 1300])
    img = document(width, height, grey=recipe.get("grey", False), margin=recipe.get("margin", 4),
                   background=tuple(recipe.get("background", [255, 255, 255])))
    if kind == "png":
        if recipe.get("transparent_background"):  # as a background-removal tool saves it
            margin = recipe.get("margin", 4)
            alpha = Image.new("L", img.size, 0)
            ImageDraw.Draw(alpha).rectangle([margin, margin, width - margin - 1, height - margin - 1], fill=255)
            img = img.convert("RGBA")
            img.putalpha(alpha)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        path.write_bytes(buf.getvalue())
        return
    if recipe.get("mode") == "L":
        img = img.convert("L")
    data = jpeg_bytes(img, int(recipe["bytes"]) if "bytes" in recipe else 150 * 1024)
    if kind == "truncated":
        data = data[: len(data) // 2]
    path.write_bytes(data)

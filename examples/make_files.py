"""Regenerate the placeholder attachments the bundled examples point to.

Deterministic (seeded), so the committed files can be rebuilt byte for byte:
    python examples/make_files.py
The images meet the specs of the guides' Appendix 1: colour, 100-200 KB, at least
1500x1100 for the business licence and 720x1280 for ID documents, a light background.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "files"
LOW, HIGH = 100 * 1024, 200 * 1024


def _document(size: tuple[int, int], seed: int, tint: tuple[int, int, int]) -> Image.Image:
    rnd = random.Random(seed)
    img = Image.new("RGB", size, (250, 250, 248))
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle([4, 4, w - 5, h - 5], outline=tint, width=6)  # the document fills >= 98% of the frame
    for _ in range(900):  # "text": short coloured strokes on the light page
        x, y = rnd.randrange(40, w - 80), rnd.randrange(40, h - 20)
        draw.line([x, y, x + rnd.randrange(8, 60), y], fill=tuple(max(0, c - rnd.randrange(60)) for c in tint),
                  width=rnd.randrange(2, 5))
    draw.ellipse([w - 260, h - 260, w - 60, h - 60], outline=(200, 30, 30), width=8)  # a red seal
    return img


def _fit_jpeg(img: Image.Image, seed: int) -> bytes:
    """Add fine noise until the JPEG lands inside 100-200 KB."""
    rnd = random.Random(seed)
    px = img.load()
    w, h = img.size
    for _round in range(60):
        for q in range(95, 40, -5):
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=q)
            if LOW <= buf.tell() <= HIGH:
                return buf.getvalue()
            if buf.tell() < LOW:
                break
        for _ in range(w * h // 40):
            x, y = rnd.randrange(w), rnd.randrange(h)
            r, g, b = px[x, y]
            d = rnd.randrange(-25, 25)
            px[x, y] = (max(0, min(255, r + d)), max(0, min(255, g + d)), max(0, min(255, b + d)))
    raise RuntimeError("could not fit the image into 100-200 KB")


def _fit_png(img: Image.Image, seed: int) -> bytes:
    rnd = random.Random(seed)
    px = img.load()
    w, h = img.size
    for _round in range(200):
        buf = io.BytesIO()
        img.save(buf, "PNG", optimize=False)
        if LOW <= buf.tell() <= HIGH:
            return buf.getvalue()
        if buf.tell() > HIGH:
            raise RuntimeError("PNG grew past 200 KB")
        for _ in range(w * h // 200):
            x, y = rnd.randrange(w), rnd.randrange(h)
            r, g, b = px[x, y][:3]
            d = rnd.randrange(-12, 12)
            px[x, y] = (max(0, min(255, r + d)), max(0, min(255, g + d)), max(0, min(255, b + d)))
    raise RuntimeError("could not fit the PNG into 100-200 KB")


def _pdf(title: str) -> bytes:
    """A minimal one-page PDF (letters and forms are scanned PDFs in real life)."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def main() -> None:
    HERE.mkdir(exist_ok=True)
    jpegs = {
        "business-license.jpg": ((1600, 1160), (30, 90, 160)),
        "zhangsan-id-front.jpg": ((760, 1300), (40, 120, 90)),
        "zhangsan-id-back.jpg": ((760, 1300), (90, 90, 150)),
        "lisi-id-front.jpg": ((760, 1300), (40, 120, 90)),
        "lisi-id-back.jpg": ((760, 1300), (90, 90, 150)),
        "wangwu-id-front.jpg": ((760, 1300), (40, 120, 90)),
        "wangwu-id-back.jpg": ((760, 1300), (90, 90, 150)),
    }
    for seed, (name, (size, tint)) in enumerate(sorted(jpegs.items())):
        (HERE / name).write_bytes(_fit_jpeg(_document(size, seed, tint), seed))
    shot = _document((1280, 800), 101, (60, 60, 60))
    (HERE / "domain-real-name.png").write_bytes(_fit_png(shot, 101))
    icon = Image.new("RGB", (512, 512), (20, 110, 200))
    ImageDraw.Draw(icon).ellipse([96, 96, 416, 416], fill=(250, 200, 40))
    (HERE / "app-icon.png").write_bytes(_fit_png(icon, 102))
    for name, title in {
        "authorization-letter.pdf": "Authorization letter",
        "commitment-letter.pdf": "Internet information service filing commitment",
    }.items():
        (HERE / name).write_bytes(_pdf(title))


if __name__ == "__main__":
    main()

"""Render a report as a scan: its PDF printed, stamped and scanned back to page images.

The damage is what county offices' scanners leave: 150 or 200 dpi, the page rotated up
to ±1.5°, a slight perspective skew, blur, a grey paper tone, noise, JPEG at quality
60–75, and a red seal pressed over part of a table. The pages go into an image-only
PDF, as agencies publish them.
"""

from __future__ import annotations

import io
import random

from corpus.layout import ReportSpec
from corpus.render_pdf import render_pdf


def render_scan(spec: ReportSpec, defects: frozenset[str] = frozenset(), seed: int = 0) -> bytes:
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    dpi = rng.choice((150, 200))
    document = pdfium.PdfDocument(render_pdf(spec, defects, seed))
    try:
        pages = [_damaged(document[i].render(scale=dpi / 72).to_pil().convert("RGB"), rng, i == 1) for i in range(len(document))]
    finally:
        document.close()
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _damaged(page: object, rng: random.Random, stamped: bool) -> object:
    from PIL import Image, ImageDraw, ImageFilter

    image: Image.Image = page  # type: ignore[assignment]
    width, height = image.size
    if stamped:  # a red seal over the table's right side
        seal = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(seal)
        radius = width // 9
        cx, cy = int(width * rng.uniform(0.6, 0.8)), int(height * rng.uniform(0.3, 0.6))
        for ring in range(3):
            draw.ellipse(
                (cx - radius + ring, cy - radius + ring, cx + radius - ring, cy + radius - ring), outline=(220, 30, 30, 150)
            )
        draw.regular_polygon((cx, cy, radius // 3), 5, fill=(220, 30, 30, 110))
        image = Image.alpha_composite(image.convert("RGBA"), seal).convert("RGB")
    shift = rng.uniform(-0.004, 0.004) * width  # a slight perspective skew
    image = image.transform(
        image.size,
        Image.Transform.QUAD,
        (shift, 0, 0, height, width, height, width - shift, 0),
        resample=Image.Resampling.BICUBIC,
        fillcolor="white",
    )
    image = image.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor="white")
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.7)))
    tone = rng.randint(215, 240)  # grey paper: white becomes this
    image = image.point(lambda value: value * tone // 255)
    noise = Image.effect_noise(image.size, rng.uniform(4, 10)).convert("RGB")
    image = Image.blend(image, noise, 0.06)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(60, 75))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")

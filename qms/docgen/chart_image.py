"""Charts as images for Word outputs: the same chart specs the pages draw, as PNG bars.

A report context may hold, anywhere, a dict with a ``chart`` key: a spec such as
``{"type": "bar", "labels": [...], "datasets": [{"label": ..., "data": [...]}]}`` (what
``static/charts.js`` draws on the page). The renderer gives that dict a ``chart_image``
(an inline picture, or "" without a chart), so the template prints ``{{ s.chart_image }}``.
Drawn with Pillow as horizontal bars: labels stay readable however long they are, and
no plotting library is needed. Knows no domain: labels and numbers only.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

COLOURS = ((13, 110, 253), (214, 51, 132), (25, 135, 84), (253, 126, 20), (111, 66, 193), (32, 201, 151))
WIDTH, ROW, MARGIN, LABEL_WIDTH = 1500, 46, 24, 560
INK, GRID = (33, 37, 41), (222, 226, 230)


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def _fit(draw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _number(value) -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def bar_png(spec: dict) -> bytes | None:
    """The PNG of a chart spec's datasets as grouped horizontal bars; None when there is nothing to draw."""
    labels = [str(label) for label in spec.get("labels") or []]
    datasets = [d for d in spec.get("datasets") or [] if d.get("kind") != "target"]
    if not labels or not datasets:
        return None
    values = [v for d in datasets for v in d.get("data") or [] if isinstance(v, (int, float))]
    top = max(values + [0]) or 1
    font, small = _font(24), _font(20)
    per_label = ROW * len(datasets) + 14
    legend = 40 if len(datasets) > 1 else 0
    height = MARGIN * 2 + legend + per_label * len(labels)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    chart_left, chart_right = LABEL_WIDTH + MARGIN, WIDTH - MARGIN - 110
    for i, dataset in enumerate(datasets if legend else []):
        x = MARGIN + i * 300
        draw.rectangle([x, MARGIN, x + 24, MARGIN + 24], fill=COLOURS[i % len(COLOURS)])
        draw.text((x + 32, MARGIN), _fit(draw, str(dataset.get("label", "")), small, 260), fill=INK, font=small)
    y = MARGIN + legend
    for index, label in enumerate(labels):
        draw.line([chart_left, y + per_label - 6, chart_right, y + per_label - 6], fill=GRID)
        draw.text((MARGIN, y + (per_label - 30) / 2), _fit(draw, label, font, LABEL_WIDTH - 10), fill=INK, font=font)
        for i, dataset in enumerate(datasets):
            data = dataset.get("data") or []
            value = data[index] if index < len(data) else None
            bar_top = y + i * ROW + 6
            if isinstance(value, (int, float)):
                end = chart_left + (chart_right - chart_left) * max(value, 0) / top
                draw.rectangle([chart_left, bar_top, max(end, chart_left + 2), bar_top + ROW - 12],
                               fill=COLOURS[i % len(COLOURS)])
                draw.text((end + 8, bar_top + 4), _number(value), fill=INK, font=small)
        y += per_label
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def attach(context, picture) -> None:
    """Give every dict of ``context`` that has a ``chart`` its ``chart_image`` (``picture(png)``, or "")."""
    if isinstance(context, dict):
        if "chart" in context:
            png = bar_png(context["chart"]) if isinstance(context["chart"], dict) else None
            context["chart_image"] = picture(png) if png else ""
        for value in list(context.values()):
            attach(value, picture)
    elif isinstance(context, list):
        for value in context:
            attach(value, picture)

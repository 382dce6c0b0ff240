"""Charts in Word outputs: a chart spec becomes a PNG picture drawn like the page's chart,
and nothing to draw gives none."""
import io

from PIL import Image

from qms.docgen.chart_image import attach, chart_png


def _pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def _has_colour(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 30) -> bool:
    colours = image.getcolors(maxcolors=image.width * image.height)
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb)) for _count, pixel in colours)


def test_a_trend_is_drawn_as_a_line_with_its_target_dashed():
    spec = {"type": "line", "labels": ["T1 2026", "T2 2026", "T3 2026"], "unit": "%",
            "datasets": [{"label": "IND-SIAC-01", "data": [88.0, None, 63.8]},
                         {"label": "Meta", "data": [92.0, 92.0, 92.0], "kind": "target"}]}
    image = _pixels(chart_png(spec))
    assert image.width == 945  # 6.3 in at 150 dpi: 16 cm in the report
    assert _has_colour(image, (13, 110, 253))  # the indicator's line
    assert _has_colour(image, (220, 53, 69), tolerance=12)  # the target line, red as on the page
    without_target = _pixels(chart_png(spec | {"datasets": spec["datasets"][:1]}))
    assert not _has_colour(without_target, (220, 53, 69), tolerance=12)


def test_bars_horizontal_stacked_and_doughnut_are_drawn():
    bars = {"type": "bar", "labels": ["Abierta", "En análisis", "Cerrada"], "integer": True,
            "datasets": [{"label": "Acciones", "data": [3, 1, 7]}]}
    flat = _pixels(chart_png(bars))
    tall = _pixels(chart_png(bars | {"horizontal": True, "labels": bars["labels"] + ["A", "B", "C", "D", "E"]}))
    assert tall.height > flat.height  # horizontal bars grow with their labels
    stacked = {"type": "bar", "stacked": True, "labels": ["ene", "feb"],
               "datasets": [{"label": "SIAC", "data": [1, 0]}, {"label": "SUB", "data": [0, 2]}]}
    assert _has_colour(_pixels(chart_png(stacked)), (214, 51, 132))  # the second series' colour
    doughnut = {"type": "doughnut", "labels": ["Cumple", "No cumple"], "datasets": [{"data": [8, 1]}]}
    assert _pixels(chart_png(doughnut)).height > 0


def test_nothing_to_draw_gives_no_picture():
    assert chart_png({"labels": [], "datasets": [{"data": []}]}) is None
    assert chart_png({"type": "line", "labels": ["T1"], "datasets": [{"data": [None]},
                                                                    {"data": [90], "kind": "target"}]}) is None
    context = {"sections": [{"chart": None}, {"chart": {"labels": ["A"], "datasets": [{"data": [1]}]}}, {"x": 1}]}
    attach(context, lambda png: f"picture of {len(png)} bytes")
    assert context["sections"][0]["chart_image"] == ""
    assert context["sections"][1]["chart_image"].startswith("picture of ")
    assert "chart_image" not in context["sections"][2]

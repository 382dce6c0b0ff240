"""Charts in Word outputs: a chart spec becomes a PNG picture, and nothing to draw gives none."""
import io

from PIL import Image

from qms.docgen.chart_image import attach, bar_png


def test_a_bar_spec_is_drawn_as_a_png_one_row_per_label():
    spec = {"type": "bar", "labels": ["Abierta", "En análisis", "Cerrada"],
            "datasets": [{"label": "Acciones", "data": [3, 1, 7]}, {"label": "Meta", "data": [5, 5, 5], "kind": "target"}]}
    image = Image.open(io.BytesIO(bar_png(spec)))
    assert image.format == "PNG" and image.width == 1500
    taller = Image.open(io.BytesIO(bar_png(spec | {"labels": spec["labels"] + ["Anulada"]})))
    assert taller.height > image.height


def test_nothing_to_draw_gives_no_picture():
    assert bar_png({"labels": [], "datasets": [{"data": []}]}) is None
    context = {"sections": [{"chart": None}, {"chart": {"labels": ["A"], "datasets": [{"data": [1]}]}}, {"x": 1}]}
    attach(context, lambda png: f"picture of {len(png)} bytes")
    assert context["sections"][0]["chart_image"] == ""
    assert context["sections"][1]["chart_image"].startswith("picture of ")
    assert "chart_image" not in context["sections"][2]

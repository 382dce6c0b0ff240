"""QR codes that lead to a copy's verification page."""
from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@lru_cache(maxsize=256)
def qr_png(url: str) -> bytes:
    """Return a small black-on-white PNG encoding ``url`` (cached: copies are re-rendered)."""
    # A fixed mask skips qrcode's trial of all eight masks (about 8 ms of pure Python);
    # every mask is valid, the trial only polishes contrast, which print does not need.
    # A quiet zone of four modules (the standard's minimum: readers find the code by it) and
    # 8 px modules, so the printed code stays sharp when a PDF is rasterised at 300-600 dpi.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4, mask_pattern=0)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()

"""Extract the text of a PDF for search (pypdf: pure Python, maintained, no native parser)."""
from __future__ import annotations

import io
import logging

#: Pages read for search: a legacy manual of a few hundred pages is read whole, a scan
#: of thousands is not worth the time (its first pages carry code and title).
MAX_PAGES = 500


class PdfUnreadable(ValueError):
    """The file starts like a PDF but cannot be parsed."""


def extract_pdf_text(data: bytes) -> str:
    """Return the text of the PDF's pages (empty for a scan without text); raise PdfUnreadable."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs every recoverable oddity of old files as a warning; they are not ours to fix.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfUnreadable("el PDF está protegido con contraseña")
        texts = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
    except PdfUnreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfUnreadable(str(exc)) from exc
    return "\n".join(t.strip() for t in texts if t.strip())

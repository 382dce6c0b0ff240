"""Check uploaded files by their content before anything else opens them: the one place.

Word sources, templates and images are checked here; every other file the app accepts
(records, attachments of findings, evidence of actions) by ``qms.storage.uploads``. Both
measure zips the same way (``qms.storage.archives``):

* A ``.docx`` must be a zip holding ``[Content_Types].xml`` and ``word/document.xml``; a
  PDF starts with ``%PDF-``.
* A zip is measured by decompressing it, never by the sizes it declares
  (``qms.storage.archives``); XML bytes are bounded here too.
* Every XML part is parsed once with defusedxml, which refuses DTDs and entities. A part
  is XML when the package's ``[Content_Types].xml`` says so (by name or by extension),
  when it is a relationships part, or when its bytes start like XML: its file name
  decides nothing (a main part called ``word/main.dat`` is checked like any other).
"""
from __future__ import annotations

import io
import zipfile
from posixpath import splitext
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from qms.storage.archives import Package, check_zip_limits, damaged, read_package
from qms.storage.archives import UploadRefused as UploadRejected

__all__ = ["UploadRejected", "Package", "read_package", "check_zip_limits", "sniff", "validate_upload",
           "validate_image", "check_xml_parts", "check_no_macros", "xml_part_names"]

#: Bytes one XML part may expand to, and all XML parts together: parsed trees take several
#: times their text in memory (python-docx and docxtpl hold the main part as one tree). An
#: 8 MB main part (a few thousand pages) is checked and read in about 5 s and 140 MB on
#: this 2-core machine under load; a long real document's main part is 1-3 MB.
MAX_XML_PART = 8 * 1024 * 1024
MAX_XML_TOTAL = 16 * 1024 * 1024
REQUIRED_DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
CONTENT_TYPES = "[Content_Types].xml"

KIND_LABELS = {"docx": "documento Word (.docx)", "pdf": "PDF"}


def sniff(data: bytes) -> str | None:
    """Return ``docx``, ``pdf`` or None, judging by the content only."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if all(part in names for part in REQUIRED_DOCX_PARTS):
            return "docx"
    return None


def _content_types(package: Package) -> tuple[dict[str, str], dict[str, str]]:
    """Return (extension -> content type, part name -> content type) from the package."""
    raw = package.parts.get(CONTENT_TYPES)
    if raw is None:
        return {}, {}
    root = _parse(CONTENT_TYPES, raw)
    defaults, overrides = {}, {}
    for node in root:
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "Default":
            defaults[(node.get("Extension") or "").lower()] = node.get("ContentType") or ""
        elif tag == "Override":
            overrides[(node.get("PartName") or "").lstrip("/")] = node.get("ContentType") or ""
    return defaults, overrides


def _is_xml_type(content_type: str) -> bool:
    content_type = content_type.lower().split(";")[0].strip()
    return content_type.endswith("+xml") or content_type.endswith("/xml")


def _looks_like_xml(body: bytes) -> bool:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")


def xml_part_names(package: Package) -> list[str]:
    """Return the parts to parse as XML: declared XML, relationships, or XML by their bytes."""
    defaults, overrides = _content_types(package)
    names = []
    for name, body in package.parts.items():
        declared = overrides.get(name) or defaults.get(splitext(name)[1].lstrip(".").lower(), "")
        if _is_xml_type(declared) or name.endswith((".xml", ".rels")) or _looks_like_xml(body):
            names.append(name)
    return names


def _parse(name: str, body: bytes):
    if len(body) > MAX_XML_PART:
        raise UploadRejected(
            f"Una parte del documento ({name}) es demasiado grande (máximo {MAX_XML_PART // 2**20} MB de texto XML).")
    try:
        return fromstring(body, forbid_dtd=True)
    except DefusedXmlException:
        raise UploadRejected("El documento contiene declaraciones XML no permitidas (DTD o entidades).") from None
    except (ParseError, ValueError, SyntaxError):
        raise damaged(name) from None


class _Forbidden(Exception):
    """A DTD or an entity declaration met while checking a part."""


def _refuse(*_args):
    raise _Forbidden


def _check_part(name: str, body: bytes) -> None:
    """Check one part is well-formed XML without DTD or entities, building no tree.

    The same refusals as defusedxml's parser (a document type declaration, an entity
    declaration, an external reference), in expat itself: parsing a Word file's parts
    into trees cost ~0.2 s per file on this machine, most of an import's time.
    """
    if len(body) > MAX_XML_PART:
        raise UploadRejected(
            f"Una parte del documento ({name}) es demasiado grande (máximo {MAX_XML_PART // 2**20} MB de texto XML).")
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    try:
        parser.Parse(body, True)
    except _Forbidden:
        raise UploadRejected("El documento contiene declaraciones XML no permitidas (DTD o entidades).") from None
    except (expat.ExpatError, ValueError):
        raise damaged(name) from None


def check_xml_parts(data: bytes | Package) -> None:
    """Check every XML part of the package: well-formed, no DTD, no entity."""
    package = data if isinstance(data, Package) else read_package(data)
    names = xml_part_names(package)
    if sum(len(package.parts[name]) for name in names) > MAX_XML_TOTAL:
        raise UploadRejected(f"El documento tiene demasiado texto XML (máximo {MAX_XML_TOTAL // 2**20} MB).")
    for name in names:
        _check_part(name, package.parts[name])


def validate_upload(data: bytes, max_mb: int, allowed: tuple[str, ...] = ("docx",)) -> str:
    """Return the file's kind if it is acceptable, else raise UploadRejected."""
    if not data:
        raise UploadRejected("El archivo está vacío.")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRejected(f"El archivo supera el tamaño máximo de {max_mb} MB.")
    package = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        package = read_package(data)
        kind = "docx" if all(part in package.parts for part in REQUIRED_DOCX_PARTS) else None
    else:
        kind = None
    if kind not in allowed:
        expected = " o ".join(KIND_LABELS[k] for k in allowed)
        raise UploadRejected(f"El contenido del archivo no corresponde a un {expected}.")
    if kind == "docx":
        check_no_macros(package)
        check_xml_parts(package)
    return kind


#: Parts and content types that mean the package carries macros (VBA) or ActiveX code.
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_TYPES = ("macroenabled", "vbaproject", "activex")


def check_no_macros(package: Package) -> None:
    """Refuse a package with macros or ActiveX controls: a controlled document is text."""
    raw_types = package.parts.get(CONTENT_TYPES, b"").lower()
    names = [name.lower() for name in package.parts]
    if any(name.endswith(MACRO_PARTS) or "/activex/" in f"/{name}" for name in names) or any(
            kind.encode() in raw_types for kind in MACRO_TYPES):
        raise UploadRejected("El archivo contiene macros o controles ActiveX, que no se aceptan en un documento "
                             "controlado. Guárdelo en Word como «Documento de Word (.docx)» sin macros e intente otra vez.")


#: Images an author may place in a section: their signatures and the type they are stored as.
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
#: Largest image, in pixels: decoding takes 4 bytes a pixel (a 40 MP photo is 160 MB).
MAX_IMAGE_PIXELS = 40_000_000


def validate_image(data: bytes, max_mb: int) -> str:
    """Return the content type of a PNG or JPEG image that decodes whole, else raise UploadRejected."""
    if not data:
        raise UploadRejected("El archivo está vacío.")
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRejected(f"La imagen supera el tamaño máximo de {max_mb} MB.")
    content_type = next((kind for signature, kind in IMAGE_SIGNATURES if data.startswith(signature)), None)
    if content_type is None:
        raise UploadRejected("Solo se aceptan imágenes PNG o JPEG (se revisa el contenido, no el nombre del archivo).")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRejected(f"La imagen es demasiado grande ({width}×{height} píxeles; máximo 40 megapíxeles).")
            expected = {"image/png": "PNG", "image/jpeg": "JPEG"}[content_type]
            if image.format != expected:
                raise UploadRejected("El contenido de la imagen no corresponde a su tipo.")
            image.verify()
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a damaged file
        raise UploadRejected("La imagen está dañada o incompleta; guárdela de nuevo e intente otra vez.") from None
    return content_type

"""Shared files are parsed whole and rewritten without their metadata.

A file's first bytes only say what it claims to be. Each accepted type is
read by a library that knows its structure, and what is stored is written
anew from what it read: a file that does not parse is refused, and what a
person would not know they were sharing (camera and location, author names,
comments, embedded thumbnails and cover art, scripts, attachments) is not
carried over.

- Images (Pillow): decoded and re-encoded from pixels only. Pillow copies a
  JPEG's COM comment, a GIF's comment extension and an ICC profile (whose
  description is free text) from the source unless told otherwise, so only
  transparency is kept; a colour profile is applied to the pixels (to sRGB)
  before it is dropped, and the EXIF orientation before EXIF is dropped.
- PDF (pypdf): the pages are copied into a new document. The catalogue, with
  its JavaScript, open action, embedded files, forms, XMP and document info,
  is not copied; on each page, actions and every annotation but a web link
  are dropped. Password-protected PDFs are refused: they cannot be checked.
- Audio (mutagen; WAV with the standard library): the stream must parse as
  the claimed format with a length; tags (ID3v1/v2, APE, Vorbis comments,
  MP4 atoms) and the cover art in them are deleted. WAV is rewritten with
  only its format and samples, dropping LIST/INFO and ID3 chunks.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import mutagen
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from mutagen.apev2 import delete as delete_ape
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from commonroom.core.validation import refuse

MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs before decoding
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}
# Of an image's info, only what changes how its pixels look.
KEPT_IMAGE_INFO = frozenset({"transparency"})
AUDIO_KINDS: dict[str, tuple[type[Any], ...]] = {
    "mp3": (MP3,),
    "ogg": (OggVorbis, OggOpus),
    "m4a": (MP4,),
}
# Page entries that run something or carry hidden data.
PAGE_KEYS_DROPPED = ("/AA", "/Metadata", "/PieceInfo")


def clean(data: bytes, extension: str) -> bytes:
    """The file to store for ``data``, which ``sniff`` named ``extension``."""
    if extension in IMAGE_FORMATS:
        return clean_image(data, IMAGE_FORMATS[extension])
    if extension == "pdf":
        return clean_pdf(data)
    if extension == "wav":
        return clean_wav(data)
    return clean_audio(data, extension)


def _bad_image() -> Exception:
    return refuse("file", _("This image could not be read; try another file."), "bad_image")


def _bad_pdf() -> Exception:
    return refuse("file", _("This PDF could not be read; try another file."), "bad_pdf")


def _bad_audio() -> Exception:
    return refuse("file", _("This audio file could not be read; try another file."), "bad_audio")


def clean_image(data: bytes, fmt: str) -> bytes:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format != fmt:
                raise _bad_image()
            opened.load()
            image = ImageOps.exif_transpose(opened) or opened
            image = _to_srgb(image, opened.info.get("icc_profile"))
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.info = {k: v for k, v in image.info.items() if k in KEPT_IMAGE_INFO}
            out = io.BytesIO()
            image.save(out, format=fmt)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise _bad_image() from exc


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if not icc or image.mode not in ("RGB", "RGBA", "L"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            image, io.BytesIO(icc), ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a profile LittleCMS cannot read: keep the pixels as they are
    return converted or image


def clean_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise refuse(
                "file",
                _("Password-protected PDFs cannot be shared; save a copy without a password."),
                "encrypted_pdf",
            )
        pages = list(reader.pages)
        if not pages:
            raise _bad_pdf()
        writer = PdfWriter()
        for page in pages:
            # Stripped before copying: what the writer copies is what the
            # page still refers to, so a dropped script is not written at all.
            _strip_page(page)
            writer.add_page(page)
        writer.metadata = None
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception as exc:  # a hostile file may break the parser anywhere
        if isinstance(exc, ValidationError):  # our own refusal, raised above
            raise
        raise _bad_pdf() from exc


def _strip_page(page: DictionaryObject) -> None:
    for key in PAGE_KEYS_DROPPED:
        page.pop(NameObject(key), None)
    annotations = page.get("/Annots")
    if annotations is not None:
        kept = ArrayObject(
            ref for ref in annotations.get_object() if _is_web_link(ref.get_object())
        )
        if kept:
            page[NameObject("/Annots")] = kept
        else:
            page.pop(NameObject("/Annots"), None)
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            ref.get_object().pop(NameObject("/Metadata"), None)


def _is_web_link(annotation: DictionaryObject) -> bool:
    """A link to a web page or a place in the document, and nothing else."""
    if annotation.get("/Subtype") != "/Link":
        return False
    annotation.pop(NameObject("/AA"), None)
    action = annotation.get("/A")
    if action is None:
        return True
    action = action.get_object()
    return bool(action.get("/S") == "/URI" and "/Next" not in action)


def clean_audio(data: bytes, extension: str) -> bytes:
    buffer = io.BytesIO(data)
    try:
        audio = mutagen.File(buffer)
        if (
            audio is None
            or not isinstance(audio, AUDIO_KINDS[extension])
            or not audio.info.length > 0
            or getattr(audio.info, "sketchy", False)
        ):
            raise _bad_audio()
        buffer.seek(0)
        audio.delete(buffer)
        if extension == "mp3":
            buffer.seek(0)
            delete_ape(buffer)
        return buffer.getvalue()
    except Exception as exc:  # a hostile file may break the parser anywhere
        if isinstance(exc, ValidationError):
            raise
        raise _bad_audio() from exc


def clean_wav(data: bytes) -> bytes:
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            params = source.getparams()
            frames = source.readframes(params.nframes)
        if not params.nframes or not frames:
            raise _bad_audio()
        out = io.BytesIO()
        with wave.open(out, "wb") as target:
            target.setparams(params)
            target.writeframes(frames)
        return out.getvalue()
    except (wave.Error, EOFError, ValueError, OSError) as exc:
        raise _bad_audio() from exc

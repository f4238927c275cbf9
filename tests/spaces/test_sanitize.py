"""Shared files are parsed whole and stored without their metadata."""

from __future__ import annotations

import io
import wave

import mutagen
import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader

from commonroom.spaces import sanitize
from tests.spaces import samples
from tests.spaces.samples import SECRET

COM, APP1, APP2 = 0xFE, 0xE1, 0xE2


def refusal_code(data: bytes, extension: str) -> str:
    with pytest.raises(ValidationError) as caught:
        sanitize.clean(data, extension)
    return str(caught.value.error_dict["file"][0].code)


def test_a_pdf_loses_its_script_attachment_metadata_and_annotations() -> None:
    original = samples.pdf(hidden=True)
    cleaned = sanitize.clean(original, "pdf")
    reader = PdfReader(io.BytesIO(cleaned))
    catalog = reader.trailer["/Root"]
    for key in ("/OpenAction", "/Names", "/Metadata", "/AcroForm", "/AA"):
        assert key not in catalog
    assert not reader.metadata or "/Author" not in reader.metadata
    page = reader.pages[0]
    assert "/AA" not in page
    kinds = [a.get_object()["/Subtype"] for a in page["/Annots"]]
    assert kinds == ["/Link"]  # the web link stays, the attached file goes
    assert b"hidden" not in cleaned  # PDF strings escape the rest of SECRET
    assert b"/JavaScript" not in cleaned
    assert b"/FileAttachment" not in cleaned


def test_a_plain_pdf_keeps_its_pages() -> None:
    cleaned = sanitize.clean(samples.pdf(), "pdf")
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == 1


def test_a_file_that_only_starts_like_a_pdf_is_refused() -> None:
    assert refusal_code(b"%PDF-1.7\nMZ\x90\x00 not really a document", "pdf") == "bad_pdf"


def test_a_password_protected_pdf_is_refused() -> None:
    assert refusal_code(samples.pdf(encrypt=True), "pdf") == "encrypted_pdf"


def test_an_mp3_loses_its_id3_tags_and_cover_art() -> None:
    cleaned = sanitize.clean(samples.mp3(tagged=True), "mp3")
    assert SECRET.encode() not in cleaned
    assert not cleaned.startswith(b"ID3")
    assert b"TAG" not in cleaned[-128:]
    audio = mutagen.File(io.BytesIO(cleaned))
    assert audio.tags is None
    assert audio.info.length > 0


def test_a_file_that_only_starts_like_an_mp3_is_refused() -> None:
    assert refusal_code(b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"MZ" * 500, "mp3") == "bad_audio"
    assert refusal_code(b"\xff\xfb" + b"junk" * 200, "mp3") == "bad_audio"


def test_an_ogg_loses_its_comments_and_cover_art() -> None:
    original = samples.ogg(tagged=True)
    assert SECRET.encode() in original
    cleaned = sanitize.clean(original, "ogg")
    assert SECRET.encode() not in cleaned
    audio = mutagen.File(io.BytesIO(cleaned))
    assert list(audio.tags) == []
    assert audio.info.length == 1.0


def test_a_file_that_only_starts_like_ogg_is_refused() -> None:
    assert refusal_code(b"OggS" + b"junk" * 200, "ogg") == "bad_audio"


def test_a_wav_keeps_its_samples_and_loses_its_info_chunk() -> None:
    original = samples.wav(tagged=True)
    assert SECRET.encode() in original
    cleaned = sanitize.clean(original, "wav")
    assert SECRET.encode() not in cleaned
    assert b"LIST" not in cleaned
    with wave.open(io.BytesIO(cleaned)) as stored, wave.open(io.BytesIO(original)) as sent:
        assert stored.readframes(stored.getnframes()) == sent.readframes(sent.getnframes())


def test_a_jpeg_loses_its_comment_exif_xmp_and_colour_profile() -> None:
    original = samples.jpeg(tagged=True)
    assert {COM, APP1, APP2} <= set(samples.jpeg_segments(original))
    cleaned = sanitize.clean(original, "jpg")
    assert not {COM, APP1, APP2} & set(samples.jpeg_segments(cleaned))
    assert SECRET.encode() not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (40, 30)


def test_a_gif_loses_its_comment_extension() -> None:
    original = samples.gif(tagged=True)
    assert b"\x21\xfe" in original
    cleaned = sanitize.clean(original, "gif")
    assert b"\x21\xfe" not in cleaned
    assert SECRET.encode() not in cleaned


def test_a_png_loses_its_text_and_colour_profile_and_keeps_transparency() -> None:
    cleaned = sanitize.clean(samples.png(tagged=True), "png")
    assert SECRET.encode() not in cleaned
    assert b"iCCP" not in cleaned
    assert b"tEXt" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).getpixel((0, 0))[3] == 128


def test_a_jpeg_that_is_really_a_png_is_refused() -> None:
    assert refusal_code(samples.png(), "jpg") == "bad_image"

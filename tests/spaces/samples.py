"""Small files of each accepted type, built in memory, with the metadata and
hidden parts a person would not know they were sharing."""

from __future__ import annotations

import io
import struct

from mutagen._vorbis import VComment
from mutagen.id3 import APIC, COMM, ID3, TIT2
from mutagen.ogg import OggPage
from PIL import Image, ImageCms, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

SECRET = "hidden-7c1e"


def icc_profile() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def pdf(*, hidden: bool = False, encrypt: bool = False) -> bytes:
    """A one-page PDF; with ``hidden``, a script run on opening, an attached
    file, author and XMP metadata, a page action, a file-attachment
    annotation and one web link."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if hidden:
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(f"app.alert('{SECRET}-js');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script)})
        writer.add_attachment("notes.txt", f"{SECRET}-attachment".encode())
        writer.add_metadata({"/Author": f"{SECRET}-author"})
        xmp = DecodedStreamObject()
        xmp.set_data(f"<x:xmpmeta>{SECRET}-xmp</x:xmpmeta>".encode())
        writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
        rect = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)])
        attachment = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): rect,
                NameObject("/Contents"): TextStringObject(f"{SECRET}-annotation"),
            }
        )
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): rect,
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/URI"),
                        NameObject("/URI"): TextStringObject("https://example.org/help"),
                    }
                ),
            }
        )
        page[NameObject("/Annots")] = ArrayObject(
            [writer._add_object(attachment), writer._add_object(link)]
        )
    if encrypt:
        writer.encrypt(user_password="open-sesame", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of silence.
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413


def mp3(*, tagged: bool = False) -> bytes:
    buffer = io.BytesIO(MP3_FRAME * 40)
    if tagged:
        tags = ID3()
        tags.add(TIT2(encoding=3, text=f"{SECRET}-title"))
        tags.add(COMM(encoding=3, lang="eng", desc="", text=f"{SECRET}-comment"))
        cover = f"{SECRET}-cover".encode() * 20
        tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=cover))
        tags.save(buffer)
        # An ID3v1 tag at the end, as older taggers write.
        buffer.seek(0, io.SEEK_END)
        buffer.write(b"TAG" + f"{SECRET}-v1".encode().ljust(125, b"\x00"))
    return buffer.getvalue()


def _ogg_page(packets: list[bytes], sequence: int, position: int, **flags: bool) -> bytes:
    page = OggPage()
    page.serial, page.sequence, page.position, page.packets = 1234, sequence, position, packets
    page.first = flags.get("first", False)
    page.last = flags.get("last", False)
    return bytes(page.write())


def ogg(*, tagged: bool = False) -> bytes:
    """One second of Ogg Vorbis as far as its headers go (mono, 44.1 kHz);
    with ``tagged``, a title and cover art in its comment header."""
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 44100, 0, 128000, 0, 0xB8, 1)
    comments = VComment()
    if tagged:
        comments.append(("TITLE", f"{SECRET}-title"))
        comments.append(("METADATA_BLOCK_PICTURE", f"{SECRET}-cover"))
    comment = b"\x03vorbis" + comments.write(framing=True)
    setup = b"\x05vorbis" + b"\x00" * 20
    return (
        _ogg_page([ident], 0, 0, first=True)
        + _ogg_page([comment, setup], 1, 0)
        + _ogg_page([b"\x00" * 100], 2, 44100, last=True)
    )


def wav(*, tagged: bool = False) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(8000)
        target.writeframes(b"\x00\x01" * 800)
    data = out.getvalue()
    if not tagged:
        return data
    text = f"{SECRET}-wav".encode() + b"\x00"
    info = b"INFO" + b"ICMT" + struct.pack("<I", len(text)) + text
    chunk = b"LIST" + struct.pack("<I", len(info)) + info
    body = data[12:] + chunk
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def jpeg(*, tagged: bool = False) -> bytes:
    image = Image.new("RGB", (40, 30), "teal")
    out = io.BytesIO()
    if tagged:
        exif = Image.Exif()
        exif[0x010F] = f"{SECRET}-camera"
        image.save(
            out,
            format="JPEG",
            exif=exif,
            comment=f"{SECRET}-comment".encode(),
            xmp=f"<x:xmpmeta>{SECRET}-xmp</x:xmpmeta>".encode(),
            icc_profile=icc_profile(),
        )
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def gif(*, tagged: bool = False) -> bytes:
    out = io.BytesIO()
    options = {"comment": f"{SECRET}-comment".encode()} if tagged else {}
    Image.new("P", (10, 10)).save(out, format="GIF", **options)
    return out.getvalue()


def png(*, tagged: bool = False) -> bytes:
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if tagged:
        info.add_text("Comment", f"{SECRET}-text")
    options = {"pnginfo": info, "icc_profile": icc_profile()} if tagged else {}
    Image.new("RGBA", (10, 10), (0, 128, 128, 128)).save(out, format="PNG", **options)
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every segment before the image data."""
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the image data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers

"""Checks on uploaded evidence files: the type is read from the content, never from the name.

Pure standard library: `inspect(stream, name, max_bytes)` returns what may be stored or
raises `UploadRefused` with a message fit to show next to the file field.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", TEXT: ".txt", DOCX: ".docx"}
LABELS = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG image",
    TEXT: "plain text",
    DOCX: "Word document",
}
ACCEPTED = "PDF, PNG, JPEG, plain text (UTF-8) or Word (.docx)"

CHUNK = 1024 * 1024
MAX_NAME = 255
# A DOCX may unpack to at most this many times the upload limit, and no member may be more
# compressed than this: ordinary documents stay far below both, zip bombs far above.
MAX_EXPANSION = 10
MAX_RATIO = 200
MAX_ZIP_MEMBERS = 5000
# PDF names that make a reader run code, open other programs or carry hidden files.
PDF_ACTIVE_NAMES = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "a launch action",
    b"EmbeddedFile": "embedded files",
    b"EmbeddedFiles": "embedded files",
}
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


class UploadRefused(ValueError):
    """The file cannot be stored; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class CheckedFile:
    mime_type: str
    size: int
    sha256: str
    display_name: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime_type]


def clean_filename(name: str) -> str:
    """A display version of a user's file name: no folders, no control or invisible
    formatting characters, at most 255 characters (keeping the extension)."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(_display_char(ch) for ch in name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "upload"
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def _display_char(ch: str) -> str:
    category = unicodedata.category(ch)[0]
    if category == "C":  # control, format (e.g. right-to-left override), unassigned
        return ""
    if category == "Z":  # every kind of space or line separator
        return " "
    return ch


def download_name(display_name: str, mime_type: str) -> str:
    """The name a download is offered under: the display name, with the extension of the
    verified type so the receiving computer opens it with the right program."""
    extension = EXTENSIONS.get(mime_type, "")
    stem = display_name
    if "." in display_name:
        stem = display_name.rsplit(".", 1)[0] or display_name
    if mime_type == JPEG and display_name.lower().endswith((".jpg", ".jpeg")):
        return display_name
    if display_name.lower().endswith(extension):
        return display_name
    return (stem[: MAX_NAME - len(extension)] or "evidence") + extension


def _size_and_hash(stream: BinaryIO, max_bytes: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise UploadRefused(f"The file is larger than the limit of {megabytes(max_bytes)}.")
        digest.update(chunk)
    if size == 0:
        raise UploadRefused("The file is empty (0 bytes).")
    return size, digest.hexdigest()


def megabytes(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count} bytes"


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    return None


def _refuse_known_binaries(head: bytes) -> None:
    if head.startswith(b"MZ"):
        raise UploadRefused(
            "This file is a Windows program, not a document. Accepted: " + ACCEPTED + "."
        )
    if head.startswith(b"\x7fELF") or head[:4] in {
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    }:
        raise UploadRefused("This file is a program, not a document. Accepted: " + ACCEPTED + ".")


def _check_text(stream: BinaryIO) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(CHUNK):
            _check_characters(decoder.decode(chunk))
        _check_characters(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise UploadRefused(
            "The file's type could not be recognised: it is not a PDF, PNG, JPEG or Word "
            "document, and not plain text in UTF-8. Accepted: " + ACCEPTED + "."
        ) from None


def _check_characters(text: str) -> None:
    for ch in text:
        if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS:
            raise UploadRefused(
                "The file looks like text but contains control characters (such as NUL), "
                "so it is probably a binary file. Accepted: " + ACCEPTED + "."
            )


def _decode_pdf_name(raw: bytes) -> bytes:
    # PDF names may spell letters as #xx (/J#61vaScript is /JavaScript).
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _active_pdf_name(data: bytes) -> str | None:
    for match in _PDF_NAME.finditer(data):
        found = PDF_ACTIVE_NAMES.get(_decode_pdf_name(match.group(1)))
        if found:
            return found
    return None


def _check_pdf(stream: BinaryIO, max_bytes: int) -> None:
    stream.seek(0)
    data = stream.read(max_bytes + 1)
    view = memoryview(data)
    found = _active_pdf_name(data)
    # Object streams hide dictionaries inside compressed streams: look inside them too,
    # with a budget so a compressed bomb cannot exhaust memory.
    budget = MAX_EXPANSION * max_bytes
    for match in _PDF_STREAM.finditer(data):
        if found:
            break
        start = match.end()
        if data[start : start + 1] not in (b"x", b"h", b"X"):
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[start:], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if budget <= 0:
            raise UploadRefused("The PDF expands to an unreasonable size; it was not stored.")
        found = _active_pdf_name(inflated)
    if found:
        raise UploadRefused(
            f"This PDF contains {found}, which can run or open things on the reader's computer, "
            "so it was not stored. Print it to a new PDF (or save it as PDF/A) and upload that."
        )


def _check_docx(stream: BinaryIO, max_bytes: int) -> None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UploadRefused("The archive holds too many parts to be a Word document.")
            names = {member.filename for member in members}
            lower = {name.lower() for name in names}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise UploadRefused(
                    "This is a zip archive but not a Word (.docx) document. Accepted: "
                    + ACCEPTED
                    + "."
                )
            if any(name.endswith("vbaproject.bin") for name in lower):
                raise UploadRefused(
                    "This Word document contains macros, which can run code; it was not stored. "
                    "Save it as a plain .docx (without macros) and upload that."
                )
            total = sum(member.file_size for member in members)
            if total > MAX_EXPANSION * max_bytes or any(
                member.file_size > MAX_RATIO * max(member.compress_size, 1)
                and member.file_size > CHUNK
                for member in members
            ):
                raise UploadRefused(
                    "This document unpacks to an unreasonable size (a possible decompression "
                    "bomb); it was not stored."
                )
            content_types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
        raise UploadRefused(
            "This is a ZIP archive but not a readable Word document (.docx). Archives are not "
            "accepted: upload the documents inside it one by one."
        ) from None
    except RuntimeError:
        # zipfile raises RuntimeError for encrypted members.
        raise UploadRefused("The Word document is encrypted; upload an unencrypted copy.") from None
    if b"macroEnabled" in content_types:
        raise UploadRefused(
            "This Word document is macro-enabled; it was not stored. Save it as a plain .docx."
        )


def inspect(stream: BinaryIO, name: str, max_bytes: int) -> CheckedFile:
    """Check an uploaded file (a seekable binary stream) and describe it for storage."""
    size, sha256 = _size_and_hash(stream, max_bytes)
    stream.seek(0)
    head = stream.read(16)
    _refuse_known_binaries(head)
    mime_type = _sniff(head)
    if mime_type == PDF:
        _check_pdf(stream, max_bytes)
    elif mime_type == DOCX:
        _check_docx(stream, max_bytes)
    elif mime_type is None:
        _check_text(stream)
        mime_type = TEXT
    stream.seek(0)
    return CheckedFile(
        mime_type=mime_type, size=size, sha256=sha256, display_name=clean_filename(name)
    )

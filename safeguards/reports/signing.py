"""PAdES signatures on approved report PDFs (pyHanko), and reading them back.

`sign_pdf` signs whatever bytes the PDF renderer made at freeze: PAdES B-T when
SAFEGUARDS_TSA_URL names an RFC 3161 server, B-B otherwise; `add_timestamp` appends a document
timestamp later (offices on closed networks). `inspect_pdf` validates every signature with
pyHanko against the trust anchors it is given. Django-free apart from the settings read by
`tsa_url`; keys come from safeguards.signing.keys.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

FIELD_NAME = "OfficeSignature"
# The print layout bookmarks a heading starting with this above the space it keeps for the
# visible signature; the signature box is put just below it (else on the last page).
SIGNATURE_LABEL = "Digital signature of"
BOX_WIDTH, BOX_HEIGHT = 340, 70
RESERVED, RESERVED_WITH_TIMESTAMP = 12_288, 24_576  # bytes of the signature container
FONT_CANDIDATES = (
    str(Path(__file__).resolve().parent / "typst" / "fonts" / "LiberationSans-Regular.ttf"),
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


# pyHanko logs every untrusted signer with a traceback; the outcome is reported, not logged.
logging.getLogger("pyhanko.sign.validation").setLevel(logging.ERROR)


class SignatureFailed(Exception):
    """The PDF could not be signed or timestamped; the message says why."""


class UrllibTimeStamper(TimeStamper):
    """RFC 3161 over HTTP with the standard library (no extra HTTP client to install)."""

    def __init__(self, url: str, timeout: float = 10):
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        request = urllib.request.Request(
            self.url, data=req.dump(), headers=set_tsp_headers({}), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read(1_000_000)
        except (OSError, urllib.error.URLError) as error:
            raise TimestampRequestError(f"Time-stamping server unreachable: {error}") from error
        if kind.split(";")[0].strip() != "application/timestamp-reply":
            raise TimestampRequestError("The time-stamping server's reply is not a timestamp.")
        return tsp.TimeStampResp.load(body)


def timestamper(url: str | None) -> TimeStamper | None:
    return UrllibTimeStamper(url) if url else None


# What the stamp can print: Latin, Greek and Cyrillic letters, punctuation, currency signs.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x370, 0x400),
    *range(0x400, 0x530),
    *range(0x2000, 0x2070),
    *range(0x20A0, 0x20C0),
]


@cache
def _font_path() -> str | None:
    """The shipped sans font rescaled to 1000 units per em and cut down to what a stamp
    prints, made once into the data folder.

    pyHanko writes glyph widths in font units, which PDF reads as thousandths: a TrueType
    font with 2048 units per em would print its letters spread apart. pyHanko subsets the
    font at every signature: without hinting and layout tables, and with a fifth of the
    glyphs, that subsetting costs a fraction of what the whole font did.
    """
    source = next((path for path in FONT_CANDIDATES if Path(path).exists()), None)
    if source is None:
        return None
    from django.conf import settings

    target = Path(settings.DATA_DIR) / "cache" / "fonts" / f"{Path(source).stem}-stamp.ttf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(source)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        options = subset.Options()
        options.hinting = False
        options.layout_features = []
        options.drop_tables += ["FFTM", "DSIG", "GSUB", "GPOS", "GDEF", "kern"]
        options.name_IDs = ["*"]
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=STAMP_UNICODES)
        cutter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        font.save(partial)
        os.replace(partial, target)
    return str(target)


def _stamp_style() -> TextStampStyle:
    # An embedded font keeps the signed PDF/A file conforming (standard fonts are not embedded).
    font = _font_path()
    box = text.TextBoxStyle(font=GlyphAccumulatorFactory(font), font_size=8) if font else None
    options = {"text_box_style": box} if box else {}
    return TextStampStyle(
        stamp_text="Digitally signed by %(signer)s\n%(what)s\nSigned at %(ts)s",
        timestamp_format="%Y-%m-%d %H:%M:%S UTC",
        border_width=1,
        **options,
    )


def _outline_backwards(item):
    """Outline items from `item` back to the first, each one's children (last first) before
    it: the sign-off is near the end of the report, so it is found in a few reads."""
    while item is not None:
        item = item.get_object()
        if "/Last" in item:
            yield from _outline_backwards(item["/Last"])
        yield item
        item = item.get("/Prev")


def _page_index(reader, target) -> int | None:
    """The index of the page object `target` (a reference) in the page tree, reading no page
    when the tree is flat (as Typst writes it)."""
    index = 0

    def walk(node) -> int | None:
        nonlocal index
        kids = node["/Kids"]
        if int(node["/Count"]) == len(kids):
            for position in range(len(kids)):
                if kids.raw_get(position).idnum == target.idnum:
                    return index + position
            index += len(kids)
            return None
        for position in range(len(kids)):
            kid = kids.raw_get(position)
            if kid.idnum == target.idnum:
                return index
            obj = kid.get_object()
            if "/Kids" in obj:
                found = walk(obj)
                if found is not None:
                    return found
            else:
                index += 1
        return None

    return walk(reader.root["/Pages"])


def _last_page(reader) -> tuple[int, object]:
    count = int(reader.root["/Pages"]["/Count"])
    page, _ = reader.find_page_for_modification(count - 1)
    return count - 1, page.get_object()


def signature_box(reader) -> tuple[int, tuple[int, int, int, int]]:
    """Where the visible signature goes: (page index, box in PDF points).

    Under the bookmarked heading "Digital signature of …" that the print layout puts after
    the sign-off (its destination gives page and height, no text needs decoding); else at
    the foot of the last page. `reader`: pyHanko's reader of the PDF, which the signature's
    incremental writer has opened anyway (pypdf parsing it again cost a fifth of a signing).
    """
    try:
        outlines = reader.root.get("/Outlines")
        last = outlines.get_object().get("/Last") if outlines is not None else None
        for item in _outline_backwards(last):
            if not str(item.get("/Title", "")).startswith(SIGNATURE_LABEL):
                continue
            dest = item.get("/Dest")
            if dest is None:
                break
            dest = dest.get_object()
            page_index = _page_index(reader, dest.raw_get(0))
            left, top = float(dest[2] or 0) or None, float(dest[3] or 0) or None
            if page_index is not None and top is not None:
                x1 = int(left) if left else 65
                y2 = int(top) - 18  # below the heading's line
                return page_index, (x1, y2 - BOX_HEIGHT, x1 + BOX_WIDTH, y2)
            break
    except Exception:  # odd or missing bookmarks: fall back to the last page
        pass
    page_index, page = _last_page(reader)
    media = page.get("/MediaBox") or reader.root["/Pages"].get("/MediaBox") or (0, 0, 612, 792)
    left, bottom = float(media[0]), float(media[1])
    x1, y2 = int(left + 65), int(bottom + 70 + BOX_HEIGHT)
    return page_index, (x1, y2 - BOX_HEIGHT, x1 + BOX_WIDTH, y2)


def _signer(certificate_pem: str, private_key) -> signers.SimpleSigner:
    chain = [
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        for cert in _pem_certificates(certificate_pem)
    ]
    return signers.SimpleSigner(
        signing_cert=chain[0],
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def _pem_certificates(pem: str):
    from cryptography import x509

    return x509.load_pem_x509_certificates(pem.encode())


def _outside_event_loop(job, *args, **kwargs):
    """pyHanko's synchronous calls start their own asyncio loop, which fails in a thread that
    already runs one (an ASGI server, a browser-test driver): then run them on a helper
    thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return job(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(job, *args, **kwargs).result()


def sign_pdf(pdf: bytes, **options) -> bytes:
    """The PDF with a visible PAdES signature appended as an incremental update."""
    return _outside_event_loop(_sign_pdf, pdf, **options)


def _sign_pdf(
    pdf: bytes,
    *,
    certificate_pem: str,
    private_key,
    signer_name: str,
    reason: str,
    location: str = "",
    tsa_url: str | None = None,
    stamp_line: str = "",
) -> bytes:
    """The PDF with a visible PAdES signature appended as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_index, box = signature_box(writer.prev)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=signer_name,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=_signer(certificate_pem, private_key),
        timestamper=timestamper(tsa_url),
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page_index, box=box),
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            output=out,
            appearance_text_params={"what": stamp_line},
            # Room for the signature given up front, so pyHanko does not sign twice to
            # measure it: an EC or RSA signature with its certificates, and a timestamp
            # token with the authority's, fit well within it.
            bytes_reserved=RESERVED_WITH_TIMESTAMP if tsa_url else RESERVED,
        )
    except (SigningError, TimestampRequestError, ValueError, OSError) as error:
        raise SignatureFailed(f"The report PDF could not be signed: {error}") from error
    return out.getvalue()


def add_timestamp(pdf: bytes, tsa_url: str) -> bytes:
    """A document timestamp appended to a signed PDF (PAdES B-LTA style), as a new revision."""
    return _outside_event_loop(_add_timestamp, pdf, tsa_url)


def _add_timestamp(pdf: bytes, tsa_url: str) -> bytes:
    out = io.BytesIO()
    try:
        signers.PdfTimeStamper(timestamper(tsa_url)).timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), "sha256", output=out
        )
    except (SigningError, TimestampRequestError, ValueError, OSError) as error:
        raise SignatureFailed(f"The timestamp could not be added: {error}") from error
    return out.getvalue()


# --- validation -----------------------------------------------------------------------------

VALID, INVALID, UNKNOWN_SIGNER, UNSIGNED = "valid", "invalid", "unknown signer", "unsigned"


@dataclass(frozen=True)
class Timestamp:
    at: datetime
    authority: str
    intact: bool
    trusted: bool
    kind: str  # "signature" (B-T) or "document" (added later)


@dataclass(frozen=True)
class SignatureReport:
    """What the PDF's signatures say, each property on its own."""

    state: str  # VALID, INVALID, UNKNOWN_SIGNER or UNSIGNED
    signer: str = ""
    signer_sha256: str = ""
    signed_at: datetime | None = None
    problem: str = ""
    timestamps: tuple[Timestamp, ...] = ()
    # True when revisions after the signature only add timestamps.
    covers_document: bool = True
    level: str = ""  # "B-B", "B-T" or "B-LTA"


def _trust_roots(pems: list[str]):
    return [
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        for pem in pems
        for cert in _pem_certificates(pem)
    ]


def _name(cert) -> str:
    return cert.subject.human_friendly if cert is not None else ""


def _sha256(cert) -> str:
    return cert.sha256.hex() if cert is not None else ""


_ACCEPTED_LATER = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES}


def _gap_untouched(pdf: bytes, sig) -> bool:
    """The bytes the signature cannot cover (its own /Contents, reserved with zero padding) are
    exactly the signature written the way it was written: a changed padding byte, or a hex
    digit's case, would otherwise go unnoticed."""
    from asn1crypto import parser

    try:
        _, length, start, _ = (int(v) for v in sig.byte_range)
        raw = pdf[length:start]
        contents = bytes(sig.pkcs7_content)
        header, body = parser.parse(contents)[3:5]
    except Exception:
        return False
    used = len(header) + len(body)
    if any(contents[used:]):
        return False
    return raw in (
        b"<" + contents.hex().encode() + b">",
        b"<" + contents.hex().upper().encode() + b">",
    )


def inspect_pdf(pdf: bytes, trusted_pems: list[str], tsa_pems: list[str] = ()) -> SignatureReport:
    return _outside_event_loop(_inspect_pdf, pdf, trusted_pems, tsa_pems)


def _inspect_pdf(pdf: bytes, trusted_pems: list[str], tsa_pems: list[str] = ()) -> SignatureReport:
    """Validate the first (office) signature and every timestamp with pyHanko.

    `trusted_pems`: the certificates of the office whose report this claims to be; a signature
    by any other key is an unknown signer. `tsa_pems`: time-stamping authorities trusted.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # damaged cross-reference tables and the like
        return SignatureReport(INVALID, problem=f"The PDF's structure is damaged ({error}).")
    office_sigs = [sig for sig in embedded if sig.sig_object_type != "/DocTimeStamp"]
    if not office_sigs:
        if pdf.count(b"/ByteRange") > len(embedded):
            # A signature is written in the file but cannot be found from its catalog: a
            # changed byte in the form or field that leads to it reads as "unsigned" otherwise.
            return SignatureReport(
                INVALID, problem="The PDF holds a signature that cannot be read: it was changed."
            )
        return SignatureReport(UNSIGNED)
    sig = office_sigs[0]
    roots = _trust_roots(trusted_pems)
    tsa_roots = _trust_roots(list(tsa_pems))
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    ts_context = ValidationContext(
        trust_roots=tsa_roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(sig, context, ts_validation_context=ts_context)
    except Exception as error:  # pyHanko raises on malformed signature dictionaries
        return SignatureReport(INVALID, problem=f"The signature cannot be read ({error}).")
    cert = status.signing_cert
    timestamps = []
    ts_status = status.timestamp_validity
    if ts_status is not None:
        timestamps.append(
            Timestamp(
                ts_status.timestamp,
                _name(ts_status.signing_cert),
                ts_status.intact and ts_status.valid,
                ts_status.trusted,
                "signature",
            )
        )
    for doc_ts in (s for s in embedded if s.sig_object_type == "/DocTimeStamp"):
        try:
            doc_status = validate_pdf_timestamp(doc_ts, ts_context)
            timestamps.append(
                Timestamp(
                    doc_status.timestamp,
                    _name(doc_status.signing_cert),
                    doc_status.intact and doc_status.valid,
                    doc_status.trusted,
                    "document",
                )
            )
        except Exception as error:
            return SignatureReport(INVALID, problem=f"A document timestamp is damaged ({error}).")
    level = (
        "B-LTA"
        if any(t.kind == "document" for t in timestamps)
        else ("B-T" if ts_status is not None else "B-B")
    )
    covers = status.modification_level in _ACCEPTED_LATER and bool(status.docmdp_ok is not False)
    # The last signature or timestamp must reach the end of the file: nothing appended since.
    try:
        last_reaches_end = embedded[-1].evaluate_signature_coverage() == (
            SignatureCoverageLevel.ENTIRE_FILE
        )
    except Exception:
        last_reaches_end = False
    common = {
        "signer": _name(cert),
        "signer_sha256": _sha256(cert),
        "signed_at": status.signer_reported_dt,
        "timestamps": tuple(timestamps),
        "covers_document": covers,
        "level": level,
    }
    if not (status.intact and status.valid):
        return SignatureReport(
            INVALID, problem="The signed bytes were changed after signing.", **common
        )
    if not covers:
        return SignatureReport(
            INVALID,
            problem="The file was changed after it was signed (a later revision adds or alters "
            "content, not only timestamps).",
            **common,
        )
    if not all(_gap_untouched(pdf, each) for each in embedded):
        return SignatureReport(
            INVALID, problem="The space reserved for a signature was changed.", **common
        )
    if not last_reaches_end:
        return SignatureReport(
            INVALID,
            problem="Bytes were added to the file after its last signature or timestamp.",
            **common,
        )
    if any(not t.intact for t in timestamps):
        return SignatureReport(INVALID, problem="A timestamp token does not match.", **common)
    if not status.trusted:
        return SignatureReport(UNKNOWN_SIGNER, **common)
    return SignatureReport(VALID, **common)

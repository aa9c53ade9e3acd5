"""Signing at approval and verifying a signed PDF.

Targets: signing adds ≤ 100 ms to an approval (median of sign_pdf on the frozen report PDF, the
whole added step: key load, visible box placement, PAdES B-B signature); verifying a signed
30-page PDF ≤ 200 ms (pyHanko validation of the signature plus the app's verify_file: JSON
check, fingerprint, audit anchor, lookup).
"""

import sys

from common import MISSED, header, line, setup, timed


def thirty_page_pdf():
    """An approved report long enough to print 30 pages or more (criteria with long text)."""
    from safeguards.reports import pdf
    from tests.reports.samples import sample_report

    for per_category in range(6, 40, 4):
        data = sample_report(categories=6, per_category=per_category, version=1).as_dict()
        for row in data["criteria"]:
            row["rationale"] = " ".join([row["rationale"] or "Rationale."] * 25)
        raw = pdf.render_pdf(data, archival=True)
        import io

        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(raw)).pages)
        if pages >= 30:
            return raw, pages
    return raw, pages


def main() -> int:
    setup()
    from safeguards.accounts.models import Office
    from safeguards.reports import signing
    from safeguards.reports.verify import verify_file
    from safeguards.signing.keys import ensure_certificate, load_private_key

    header("signing and verifying approved PDFs")
    office, _ = Office.objects.get_or_create(slug="bench-sign", defaults={"name": "Bench Office"})
    certificate = ensure_certificate(office)
    raw, pages = thirty_page_pdf()

    def sign():
        return signing.sign_pdf(
            raw,
            certificate_pem=certificate.certificate_pem,
            private_key=load_private_key(certificate),
            signer_name=office.name,
            reason="Approved version 1",
        )

    signed = sign()
    failed = False
    figures = line(f"sign_pdf ({pages} pages, {len(raw) // 1024} KiB)", timed(sign, runs=20))
    if figures["median"] > 100:
        print(f"  MISSED: target ≤ 100 ms, by {figures['median'] - 100:.1f} ms")
        failed = True
    pems = [certificate.certificate_pem]
    figures = line(
        f"inspect_pdf (pyHanko validation, {pages} pages)",
        timed(lambda: signing.inspect_pdf(signed, pems), runs=20),
    )
    figures = line(
        f"verify_file (whole verification, {pages} pages)",
        timed(lambda: verify_file(signed), runs=20),
    )
    if figures["median"] > 200:
        print(f"  MISSED: target ≤ 200 ms, by {figures['median'] - 200:.1f} ms")
        failed = True
    return MISSED if failed else 0


if __name__ == "__main__":
    sys.exit(main())

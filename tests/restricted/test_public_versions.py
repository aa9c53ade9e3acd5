"""Public and restricted versions of one frozen report (DESIGN.md section 11): no restricted
value in any public rendering; both versions verify against one fingerprint and signature."""

import io
import itertools
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from safeguards.reports import disclosure
from safeguards.reports.check import check_report, embedded_json
from safeguards.reports.verify import ALTERED, MATCHES, verify_file
from safeguards.restricted.models import AnswerRestriction, EvidenceRestriction, MemberSetting
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, Evidence
from tests.reports.builders import answered_assessment

REASONS = ("FOIA exemption (b)(7)(E): law-enforcement techniques", "Agency request")
_frameworks = itertools.count()


def secret(label: str) -> str:
    return f"SECRET{label}X{next(_frameworks)}Z"


def restricted_assessment(office, alice, answer_fields, evidence_picks):
    """An assessment in review whose chosen values hold unique secret words, marked
    restricted. Returns (assessment, the secret words)."""
    assessment = answered_assessment(office, alice, slug=f"fw-{next(_frameworks)}")
    answers = list(assessment.answers.order_by("criterion__position").select_related("criterion"))
    secrets_: list[str] = []
    for index, field in answer_fields:
        answer = answers[index % len(answers)]
        if AnswerRestriction.objects.filter(answer=answer, field=field).exists():
            continue
        word = secret(field[:3])
        # Written past the model's draft-only guard: the assessment is already in review.
        Answer.objects.filter(pk=answer.pk).update(**{field: f"Only for the office: {word}."})
        AnswerRestriction.objects.create(answer=answer, field=field, reason=REASONS[index % 2])
        secrets_.append(word)
    items = list(Evidence.objects.filter(answers__assessment=assessment).distinct().order_by("pk"))
    for index in evidence_picks:
        item = items[index % len(items)]
        if EvidenceRestriction.objects.filter(evidence=item).exists():
            continue
        words = [secret(name) for name in ("title", "url", "cit", "exc")]
        item.title, item.citation, item.excerpt = words[0], words[2], words[3]
        item.url = f"https://intranet.example/{words[1]}"
        Evidence.objects.filter(pk=item.pk).update(
            title=item.title, url=item.url, citation=item.citation, excerpt=item.excerpt
        )
        EvidenceRestriction.objects.create(evidence=item, reason=REASONS[0])
        secrets_.extend(words)
    return assessment, secrets_


def approve(assessment, bob):
    workflow.approve(assessment, by=bob)
    return assessment.report_versions.get()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u200b\u00ad]", "", text)


def docx_xml(content: bytes) -> str:
    """Every XML part of a Word file (body, headers, footers, properties), tags removed."""
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        parts = [docx.read(name).decode() for name in docx.namelist() if name.endswith(".xml")]
    return re.sub(r"<[^>]+>", "", "".join(parts))


def get(client, name, assessment, version, query="?version=public"):
    args = [assessment.pk] + ([version.number] if name.startswith("reports:version") else [])
    return client.get(reverse(name, args=args) + query)


def public_renderings(client, assessment, version) -> dict[str, str]:
    html = client.get(
        reverse("reports:assessment_report", args=[assessment.pk]) + "?version=public"
    )
    pdf_bytes = get(client, "reports:version_pdf", assessment, version).content
    return {
        "html": html.content.decode(),
        "pdf text": pdf_text(pdf_bytes),
        "pdf json": embedded_json(pdf_bytes).decode(),
        "json": get(client, "reports:version_json", assessment, version).content.decode(),
        "csv": get(client, "reports:version_csv", assessment, version).content.decode(),
        "docx xml": docx_xml(get(client, "reports:docx", assessment, version).content),
        "summary pdf text": pdf_text(
            get(client, "reports:summary_pdf", assessment, version).content
        ),
    }


fields = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["rationale", "recommendation"])),
    min_size=1,
    max_size=4,
)
picks = st.lists(st.integers(0, 6), max_size=2)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer_fields=fields, evidence_picks=picks)
@pytest.mark.django_db
def test_no_restricted_value_in_any_public_rendering(
    office, alice, bob, client_for, answer_fields, evidence_picks
):
    assessment, words = restricted_assessment(office, alice, answer_fields, evidence_picks)
    version = approve(assessment, bob)
    client = client_for(bob)
    for kind, text in public_renderings(client, assessment, version).items():
        for word in words:
            assert word not in text, f"{word} in the public {kind}"
    # The restricted version shows them, so the search above can find what it looks for.
    restricted_pdf = pdf_text(get(client, "reports:version_pdf", assessment, version, "").content)
    assert all(word in restricted_pdf for word in words)
    restricted_docx = docx_xml(get(client, "reports:docx", assessment, version, "").content)
    assert all(word in restricted_docx for word in words)

    full = json.loads(version.canonical_json)
    public = json.loads(get(client, "reports:version_json", assessment, version).content)
    assert "disclosures" not in public and public["withheld"] == full["withheld"]
    assert check_report(full).intact and check_report(public).intact
    assert full["fingerprint"] == public["fingerprint"] == version.fingerprint
    for digest, (salt, value) in full["disclosures"].items():
        assert disclosure.digest(salt, value) == digest
        assert len(salt) >= 22  # 128 bits, base64url
    assert len(full["disclosures"]) == len(full["withheld"])


@pytest.fixture
def approved_with_marks(office, alice, bob):
    assessment, words = restricted_assessment(office, alice, [(1, "rationale")], [0])
    return assessment, approve(assessment, bob), words


def test_public_pdf_says_what_it_withholds_and_why(approved_with_marks, client_for, bob):
    assessment, version, _ = approved_with_marks
    text = pdf_text(get(client_for(bob), "reports:version_pdf", assessment, version).content)
    expected = f"Publicversionofreportv1,fingerprint{version.fingerprint}"
    assert expected in text
    assert "5itemswithheld(" in text and "(b)(7)(E)" in text


def test_both_pdfs_verify_against_one_fingerprint_and_signature(approved_with_marks):
    _, version, _ = approved_with_marks
    from safeguards.restricted.models import PublicVersion

    public_pdf = bytes(PublicVersion.objects.get(report_version=version).pdf)
    for content, kind in ((bytes(version.pdf), "restricted"), (public_pdf, "public")):
        outcome = verify_file(content)
        assert outcome.kind == MATCHES, outcome.details
        states = {prop.name: (prop.state, prop.text) for prop in outcome.properties}
        assert states["Signature"][0] == "valid" and states["Signer"][0] == "valid"
        assert states["Version"][1].startswith(f"{kind} version")
        assert version.fingerprint in states["Fingerprint"][1]


def test_a_tampered_disclosure_is_caught(approved_with_marks):
    _, version, _ = approved_with_marks
    data = json.loads(version.canonical_json)
    digest = next(iter(data["disclosures"]))
    data["disclosures"][digest][1] = "A kinder rationale."
    check = check_report(data)
    assert not check.intact
    assert any("does not hash to its digest" in problem for problem in check.problems)
    assert verify_file(json.dumps(data).encode()).kind == ALTERED


def test_a_disclosure_dropped_from_the_withheld_list_is_caught(approved_with_marks):
    _, version, _ = approved_with_marks
    data = json.loads(version.canonical_json)
    data["withheld"].popitem()
    assert verify_file(json.dumps(data).encode()).kind == ALTERED


def test_public_only_member_gets_the_public_version(approved_with_marks, client_for, victor):
    assessment, version, words = approved_with_marks
    membership = victor.memberships.get()
    MemberSetting.objects.create(membership=membership, public_only=True)
    client = client_for(victor)
    # Even without asking for it, and even when asking for the restricted one.
    page = client.get(reverse("reports:assessment_report", args=[assessment.pk])).content.decode()
    raw = get(client, "reports:version_json", assessment, version, "").content.decode()
    for word in words:
        assert word not in page and word not in raw
    assert "limited to public versions" in page


def test_export_report_public(approved_with_marks, tmp_path):
    assessment, version, words = approved_with_marks
    for fmt in ("json", "csv", "pdf"):
        path = tmp_path / f"public.{fmt}"
        call_command(
            "export_report",
            str(assessment.pk),
            "--format",
            fmt,
            "--public",
            "-o",
            str(path),
            stderr=io.StringIO(),
        )
        content = path.read_bytes()
        text = pdf_text(content) if fmt == "pdf" else content.decode()
        assert not any(word in text for word in words), fmt
        if fmt == "json":
            assert json.loads(content)["fingerprint"] == version.fingerprint


def test_without_marks_nothing_changes(office, alice, bob):
    version = approve(answered_assessment(office, alice, slug="plain"), bob)
    data = json.loads(version.canonical_json)
    assert "withheld" not in data and "disclosures" not in data
    assert not hasattr(version, "public_version") or version.public_version is None


def test_marks_page_changes_marks_with_an_audit_event(office, alice, client_for):
    from safeguards.audit.models import Event

    assessment = answered_assessment(office, alice, slug="marks-page")
    answer = Answer.objects.filter(assessment=assessment).exclude(rationale="").first()
    client = client_for(alice)
    page = client.get(reverse("restricted:assessment", args=[assessment.pk]))
    assert page.status_code == 200 and f"a{answer.pk}-rationale" in page.content.decode()
    response = client.post(
        reverse("restricted:save", args=[assessment.pk]), {f"a{answer.pk}-rationale": REASONS[1]}
    )
    assert response.status_code == 302
    assert AnswerRestriction.objects.get(answer=answer, field="rationale").reason == REASONS[1]
    event = Event.objects.get(action="restriction.changed")
    assert event.after == {"field": "rationale", "reason": REASONS[1]}
    bad = client.post(
        reverse("restricted:save", args=[assessment.pk]), {f"a{answer.pk}-rationale": "made up"}
    )
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()


def test_viewers_cannot_change_marks(office, alice, victor, client_for):
    assessment = answered_assessment(office, alice, slug="marks-viewer")
    response = client_for(victor).post(reverse("restricted:save", args=[assessment.pk]), {})
    assert response.status_code == 403


def test_restricted_marks_cannot_change_after_approval(approved_with_marks, client_for, alice):
    assessment, _, _ = approved_with_marks
    response = client_for(alice).post(reverse("restricted:save", args=[assessment.pk]), {})
    assert response.status_code == 403


def test_freeze_is_atomic_with_its_public_version(approved_with_marks):
    _, version, _ = approved_with_marks
    with transaction.atomic():
        assert version.public_version.pdf_sha256

"""Importing an assessment: the pure checks, then the command and the form, all or nothing."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.catalog.models import FrameworkVersion
from safeguards.reviews import importer
from safeguards.reviews.models import Answer, Assessment, Deployment, Evidence
from tests.factories import make_deployment, make_framework

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "import-example.json"
CATALOG = {("test-framework", 1): {"C1-1": True, "C1-2": False, "C2-1": False}}


def valid_doc(**changes) -> dict:
    doc = {
        "schema": "safeguards.assessment-import/1",
        "framework": {"slug": "test-framework", "version": 1},
        "deployment": {"name": "Face search", "operator": "Border agency"},
        "assessment": {"title": "Imported review", "as_of": "2026-11-01"},
        "answers": [
            {
                "code": "C1-1",
                "status": "undisclosed",
                "rationale": "Nothing published.",
                "recommendation": "Ask.",
                "evidence": [
                    {"title": "Notice", "kind": "web_page", "url": "https://example.org/n"}
                ],
            },
            {
                "code": "C1-2",
                "status": "met",
                "rationale": "Contract clause 4.",
                "evidence": [
                    {"title": "Notice", "kind": "web_page", "url": "https://example.org/n"},
                    {"title": "Letter", "kind": "correspondence", "citation": "p. 2"},
                ],
            },
        ],
    }
    doc.update(changes)
    return doc


def errors_of(doc, deployment_ids=()) -> list[str]:
    return importer.validate(doc, CATALOG, set(deployment_ids))


def answer(**fields) -> dict:
    return {"code": "C1-2", "status": "met", "rationale": "Because.", **fields}


# --- the pure checks --------------------------------------------------------------------------


def test_a_valid_document_has_no_errors():
    assert errors_of(valid_doc()) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"schema": "safeguards.assessment-import/2"}, "schema: must be"),
        ({"framework": {"slug": "nope", "version": 1}}, "framework: unknown framework 'nope'"),
        ({"framework": {"slug": "test-framework", "version": 2}}, "version 2"),
        ({"framework": {"slug": "test-framework", "version": "1"}}, "framework.version: must be"),
        ({"framework": {"slug": "test-framework", "version": True}}, "framework.version: must be"),
        ({"framework": {"slug": "test-framework"}}, "framework.version: missing"),
        ({"deployment": {"id": 5}}, "deployment.id: no deployment with id 5 in this office"),
        ({"deployment": {"name": "X"}}, "deployment.operator: missing"),
        ({"deployment": {"name": "X" * 201, "operator": "Y"}}, "deployment.name: too long"),
        ({"deployment": {"name": " ", "operator": "Y"}}, "deployment.name: must not be blank"),
        (
            {"deployment": {"name": "X", "operator": "Y", "contract_value": -1}},
            "deployment.contract_value",
        ),
        (
            {"deployment": {"name": "X", "operator": "Y", "contract_value": "1.234"}},
            "deployment.contract_value",
        ),
        (
            {"deployment": {"name": "X", "operator": "Y", "period_start": "2026-02-30"}},
            "deployment.period_start: not a date",
        ),
        (
            {
                "deployment": {
                    "name": "X",
                    "operator": "Y",
                    "period_start": "2026-05-01",
                    "period_end": "2026-01-01",
                }
            },
            "deployment.period_end: the period cannot end before it starts",
        ),
        ({"deployment": {"name": "X", "operator": "Y", "colour": "red"}}, "colour: unknown key"),
        ({"assessment": {"title": "T", "as_of": "1/11/2026"}}, "assessment.as_of: not a date"),
        ({"assessment": {"title": "T"}}, "assessment.as_of: missing"),
        ({"assessment": ["T"]}, "assessment: must be an object, not a list"),
        ({"answers": {"C1-1": "met"}}, "answers: must be a list"),
        ({"extra": 1}, "extra: unknown key"),
    ],
)
def test_document_errors_name_the_field(change, expected):
    errors = errors_of(valid_doc(**change))
    assert any(expected in error for error in errors), errors


def test_missing_top_level_keys_are_each_named():
    errors = errors_of({"schema": importer.SCHEMA})
    assert errors == ["framework: missing", "deployment: missing", "assessment: missing"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (answer(status="mett"), "answers[0] (C1-2).status: unknown status 'mett'"),
        (answer(status=1), "answers[0] (C1-2).status: unknown status a number"),
        (answer(code="C9-9"), "answers[0] (C9-9).code: unknown criterion code 'C9-9'"),
        (answer(code=7), "answers[0].code: must be a string, not a number"),
        ({"status": "met", "rationale": "R"}, "answers[0].code: missing"),
        ({"code": "C1-2", "rationale": "R"}, "answers[0] (C1-2).status: missing"),
        (answer(rationale=""), "answers[0] (C1-2).rationale: Give the rationale"),
        ({"code": "C1-2", "status": "partial"}, "answers[0] (C1-2).rationale: Give the rationale"),
        (answer(rationale=["why"]), "answers[0] (C1-2).rationale: must be a string, not a list"),
        (answer(rationale="x" * 20001), "answers[0] (C1-2).rationale: too long"),
        (answer(rationale="nul\x00byte"), "answers[0] (C1-2).rationale: contains control"),
        (answer(status="not_applicable", rationale="n/a"), "(C1-2).rationale: Justify why"),
        (
            answer(code="C1-1", status="not_applicable", rationale="Does not apply here at all."),
            "answers[0] (C1-1).status: A red-line criterion can never be not applicable",
        ),
        (answer(rationle="typo"), "answers[0] (C1-2).rationle: unknown key"),
        (answer(evidence={"title": "x"}), "(C1-2).evidence: must be a list"),
        (answer(evidence=[{"title": "T"}]), "(C1-2).evidence[0].kind: missing"),
        (answer(evidence=[{"title": "T", "kind": "rumour"}]), "evidence[0].kind: unknown kind"),
        (
            answer(evidence=[{"title": "T", "kind": "web_page", "url": "javascript:alert(1)"}]),
            "(C1-2).evidence[0].url: not a web address",
        ),
        (
            answer(evidence=[{"title": "T", "kind": "document", "retrieved_on": "yesterday"}]),
            "(C1-2).evidence[0].retrieved_on: not a date",
        ),
        (answer(evidence=[{"title": "", "kind": "document"}]), "evidence[0].title: must not be"),
        (answer(evidence=[{"title": "T", "kind": "document"}] * 101), "evidence: too many"),
        ("met", "answers[0]: must be an object, not a string"),
    ],
)
def test_answer_errors_name_index_code_and_field(item, expected):
    errors = errors_of(valid_doc(answers=[item]))
    assert any(expected in error for error in errors), errors


def test_duplicate_codes_are_refused():
    errors = errors_of(valid_doc(answers=[answer(), answer()]))
    assert errors == ["answers[1] (C1-2).code: duplicate: answers[0] has it too"]


def test_contradicting_evidence_with_the_same_title_and_url_is_refused():
    first = {"title": "T", "kind": "document", "url": "https://e.org", "citation": "p. 1"}
    second = {"title": "T", "kind": "document", "url": "https://e.org", "citation": "p. 9"}
    doc = valid_doc(answers=[answer(evidence=[first]), answer(code="C2-1", evidence=[second])])
    assert errors_of(doc) == [
        "answers[1] (C2-1).evidence[0].citation: differs from answers[0] (C1-2).evidence[0], "
        "which has the same title and URL (give it once, or leave it empty here)"
    ]


def test_not_assessed_needs_no_rationale():
    assert errors_of(valid_doc(answers=[{"code": "C2-1", "status": "not_assessed"}])) == []


def test_existing_deployment_by_id_is_accepted():
    assert errors_of(valid_doc(deployment={"id": 5}), deployment_ids={5}) == []


def test_too_many_errors_are_cut_short():
    errors = errors_of(valid_doc(answers=[answer(status="bad")] * 500))
    assert len(errors) == importer.MAX_ERRORS + 1
    assert "more errors" in errors[-1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{\n  "schema": "x",\n  "answers": [1,, 2]\n}', "line 3, column 17: Expecting value"),
        (b"", "file: empty"),
        (b"\xff\xfe{}", "file: not UTF-8"),
        (b'{"a": 1, "a": 2}', "file: the key 'a' appears twice"),
        (b'{"a": NaN}', "file: NaN is not allowed"),
        (b"[" * 100 + b"]" * 100, "nested more than 8 levels"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 8 levels"),
        (b" " * (importer.MAX_BYTES + 1), "file: larger than the limit"),
    ],
)
def test_parse_errors(raw, expected):
    doc, errors = importer.parse(raw)
    assert doc is None
    assert len(errors) == 1 and expected in errors[0], errors


# --- creating ---------------------------------------------------------------------------------


@pytest.fixture
def framework(db):
    return make_framework()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Deployment, Assessment, Answer, Evidence, Event)
    } | {"links": Answer.evidence.through.objects.count()}


def run_command(path, office="oig", user="alice") -> str:
    out = io.StringIO()
    call_command("import_assessment", str(path), office=office, user=user, stdout=out)
    return out.getvalue()


def write(tmp_path, doc) -> Path:
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


def test_command_imports_a_valid_file_and_prints_the_id(tmp_path, framework, alice, office):
    output = run_command(write(tmp_path, valid_doc()))
    assessment = Assessment.objects.get()
    assert output.strip() == str(assessment.pk)
    assert assessment.status == "draft"
    assert assessment.office == office
    assert assessment.created_by == alice
    assert assessment.deployment.name == "Face search"
    assert assessment.answers.count() == 15
    answered = {a.criterion.code: a for a in assessment.answers.exclude(status="not_assessed")}
    assert answered["C1-2"].status == "met"
    assert answered["C1-2"].updated_by == alice
    # One "Notice" item linked to two answers, and one "Letter".
    assert Evidence.objects.count() == 2
    notice = Evidence.objects.get(title="Notice")
    assert sorted(a.criterion.code for a in notice.answers.all()) == ["C1-1", "C1-2"]
    actions = list(Event.objects.values_list("action", flat=True))
    assert actions.count("evidence.added") == 2
    assert "deployment.created" in actions
    imported = Event.objects.get(action="assessment.imported")
    assert imported.assessment_id == assessment.pk
    assert imported.after["counts"]["met"] == 1


def test_command_imports_into_an_existing_deployment(tmp_path, framework, alice, office):
    deployment = make_deployment(office)
    run_command(write(tmp_path, valid_doc(deployment={"id": deployment.pk})))
    assert Assessment.objects.get().deployment == deployment
    assert Deployment.objects.count() == 1


@pytest.mark.parametrize(
    "doc",
    [
        valid_doc(schema="other"),
        valid_doc(answers=[answer(status="mett")]),
        valid_doc(answers=[answer(), answer()]),
        valid_doc(answers=[answer(code="C9-9")]),
        valid_doc(answers=[answer(rationale="")]),
        valid_doc(
            answers=[answer(evidence=[{"title": "T", "kind": "web_page", "url": "ftp://x"}])]
        ),
        valid_doc(assessment={"title": "T", "as_of": "2026-02-30"}),
        valid_doc(framework={"slug": "test-framework", "version": 9}),
        '{"schema": "safeguards.assessment-import/1",',
    ],
)
def test_command_refuses_a_bad_file_and_changes_nothing(tmp_path, framework, alice, doc):
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported"):
        run_command(write(tmp_path, doc))
    assert counts() == before


def test_command_refuses_a_deployment_of_another_office(tmp_path, framework, alice, other_office):
    theirs = make_deployment(other_office)
    before = counts()
    with pytest.raises(CommandError, match=f"no deployment with id {theirs.pk} in this office"):
        run_command(write(tmp_path, valid_doc(deployment={"id": theirs.pk})))
    assert counts() == before


def test_command_refuses_a_viewer(tmp_path, framework, victor):
    with pytest.raises(CommandError, match="may not create assessments"):
        run_command(write(tmp_path, valid_doc()), user="victor")
    assert not Assessment.objects.exists()


def test_command_refuses_a_user_of_another_office(tmp_path, framework, mallory, office):
    with pytest.raises(CommandError, match="may not create assessments"):
        run_command(write(tmp_path, valid_doc()), user="mallory")


def test_command_names_a_missing_file_office_or_user(tmp_path, framework, alice):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(tmp_path / "absent.json")
    with pytest.raises(CommandError, match="No office"):
        run_command(write(tmp_path, valid_doc()), office="nowhere")
    with pytest.raises(CommandError, match="No user"):
        run_command(write(tmp_path, valid_doc()), user="nobody")


def test_a_failure_while_creating_leaves_nothing(tmp_path, framework, alice, office, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("safeguards.reviews.forms.evidence.record", explode)
    before = counts()
    with pytest.raises(RuntimeError):
        run_command(write(tmp_path, valid_doc()))
    assert counts() == before


def test_the_documented_example_imports(alice, office):
    call_command("load_frameworks", stdout=io.StringIO())
    output = run_command(EXAMPLE)
    assessment = Assessment.objects.get(pk=int(output))
    version = FrameworkVersion.objects.get(framework__slug="fr-deployment-safeguards", version=1)
    assert assessment.answers.count() == version.criteria.count()
    assert Evidence.objects.count() == 2
    statement = Evidence.objects.get(title__startswith="Order 70B0")
    assert statement.answers.count() == 2


# --- the upload form --------------------------------------------------------------------------


def upload(client, content: bytes, **data):
    return client.post(
        reverse("reviews:import_assessment"),
        {"file": SimpleUploadedFile("import.json", content), **data},
    )


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("reviews:import_assessment"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_viewer_cannot_import(client_for, victor, framework):
    client = client_for(victor)
    assert client.get(reverse("reviews:import_assessment")).status_code == 403
    response = upload(client, json.dumps(valid_doc()).encode())
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_form_imports_and_redirects_to_the_assessment(client_for, alice, framework):
    response = upload(client_for(alice), json.dumps(valid_doc()).encode())
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == assessment.get_absolute_url()


def test_form_lists_every_error_and_changes_nothing(client_for, alice, framework):
    doc = valid_doc(answers=[answer(status="mett"), answer(code="C9-9")])
    before = counts()
    response = upload(client_for(alice), json.dumps(doc).encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 2 problems" in page
    assert "answers[0] (C1-2).status: unknown status &#x27;mett&#x27;" in page
    assert "answers[1] (C9-9).code: unknown criterion code" in page
    assert counts() == before


def test_form_reports_json_syntax_errors_with_line_and_column(client_for, alice, framework):
    before = counts()
    response = upload(client_for(alice), b'{\n "schema": }')
    assert "line 2, column 12" in response.content.decode()
    assert counts() == before


def test_form_refuses_a_file_over_1_mb(client_for, alice, framework):
    response = upload(client_for(alice), b" " * (importer.MAX_BYTES + 1))
    assert response.status_code == 200
    assert "larger than the limit" in response.content.decode()
    assert not Assessment.objects.exists()


def test_form_cannot_import_into_another_offices_deployment(
    client_for, mallory, other_office, office, framework
):
    ours = make_deployment(office)
    before = counts()
    response = upload(
        client_for(mallory), json.dumps(valid_doc(deployment={"id": ours.pk})).encode()
    )
    assert "no deployment with id" in response.content.decode()
    assert counts() == before

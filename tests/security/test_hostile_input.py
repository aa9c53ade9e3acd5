"""Hostile input never causes a 500 and never half-writes (property-based, with hypothesis).

Every form the app has gets fields that are very long, full of control characters (NUL
included), of the wrong type (several values, a file where text belongs), missing, or huge
numbers; the import format gets all that plus deep nesting and invalid UTF-8. Each request
runs in a savepoint that is rolled back, so examples do not see each other's writes.
"""

import copy
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguards.reports.verify import verify_file
from safeguards.reviews import importer

from .conftest import db_state

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\u202egnp.exe",
    "\ufeff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "../../etc/passwd",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "0x7fffffff",
    "2026-02-30",
    "99999-12-31",
    "𝄞" * 50,
]
LONG = st.builds(
    lambda char, count: char * count,
    st.sampled_from(["a", "\x00", "é", "𝄞", "\n"]),
    st.sampled_from([201, 301, 1001, 5001, 20_001, 100_000]),
)
text = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x1F), max_size=10),
    st.sampled_from(SPECIAL),
    LONG,
    st.integers().map(str),
)
# What a browser (or an attacker's script) can put in one form field.
field_value = st.one_of(
    text,
    text,
    st.lists(text, min_size=2, max_size=3),  # the same field several times
    st.builds(lambda data: SimpleUploadedFile("x.txt", data), st.binary(max_size=64)),
)
DROP = object()


def hostile_form(base: dict, extra: tuple[str, ...] = ()):
    """Each field of a valid form kept, removed or replaced; maybe some unknown fields."""
    fields = {
        name: st.one_of(st.just(value), st.just(DROP), field_value) for name, value in base.items()
    }
    fields |= {name: st.one_of(st.just(DROP), field_value) for name in extra}
    return st.fixed_dictionaries(fields).map(
        lambda data: {name: value for name, value in data.items() if value is not DROP}
    )


def refused_or_accepted(client: Client, url: str, data, **extra):
    """POST in a savepoint that is rolled back: never a 500, nothing changed unless accepted."""
    # A browser always sends the CSRF token, so a form post is never empty (the test client
    # does not check it).
    data = {"csrfmiddlewaretoken": "token", **data}
    before = db_state()
    with transaction.atomic():
        response = client.post(url, data, **extra)
        after = db_state()
        transaction.set_rollback(True)
    assert response.status_code < 500
    if response.status_code != 302:
        assert after == before, f"refused with {response.status_code} but the database changed"
        if response.status_code == 200:
            page = response.content.decode()
            assert "invalid-feedback" in page or "alert-danger" in page or "alert" in page
    return response


@pytest.fixture
def as_alice(client_for, alice):
    return client_for(alice)


@pytest.fixture
def as_bob(bob):
    client = Client()
    client.force_login(bob)
    return client


# --- the forms ------------------------------------------------------------------------------

DEPLOYMENT = {
    "name": "Face search",
    "operator": "Border agency",
    "vendor": "Vendor",
    "technology": "Face recognition",
    "contract_reference": "70B04C",
    "contract_value": "225000.00",
    "period_start": "2025-09-01",
    "period_end": "2026-08-31",
    "units_with_access": "Targeting unit",
    "purposes": "Tactical targeting",
    "data_sources": "Scraped images",
    "connected_systems": "None stated",
    "notes": "",
}


@EXAMPLES
@given(data=hostile_form(DEPLOYMENT, extra=("office", "version", "id")))
def test_deployment_create_survives_hostile_fields(as_alice, office, data):
    refused_or_accepted(as_alice, reverse("reviews:deployment_create"), data)


@EXAMPLES
@given(data=hostile_form(DEPLOYMENT | {"version": "1"}, extra=("office",)))
def test_deployment_edit_survives_hostile_fields(as_alice, deployment, data):
    refused_or_accepted(as_alice, reverse("reviews:deployment_edit", args=[deployment.pk]), data)


EVIDENCE = {
    "title": "Contract",
    "kind": "document",
    "url": "https://example.org/contract",
    "citation": "§4",
    "excerpt": "The vendor shall…",
    "retrieved_on": "2026-10-01",
}


@EXAMPLES
@given(data=hostile_form(EVIDENCE, extra=("upload",)))
def test_evidence_create_survives_hostile_fields(as_alice, deployment, data):
    refused_or_accepted(as_alice, reverse("reviews:evidence_create", args=[deployment.pk]), data)


@EXAMPLES
@given(
    query=st.fixed_dictionaries({}, optional={"assessment": text, "criterion": text, "next": text})
)
def test_evidence_create_survives_a_hostile_answer_link(as_alice, deployment, draft, query):
    url = reverse("reviews:evidence_create", args=[deployment.pk])
    response = as_alice.get(url, query)
    assert response.status_code in (200, 404)
    refused_or_accepted(as_alice, url + "?" + _encode(query), EVIDENCE)


def _encode(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


@EXAMPLES
@given(data=hostile_form({"title": "New", "framework_version": "1", "as_of": "2026-11-01"}))
def test_assessment_start_survives_hostile_fields(as_alice, deployment, framework, data):
    refused_or_accepted(as_alice, reverse("reviews:assessment_create", args=[deployment.pk]), data)


def category_data(assessment) -> dict:
    data = {}
    for answer in assessment.answers.filter(criterion__category__code="C1"):
        prefix = f"a{answer.pk}"
        data[f"{prefix}-status"] = answer.status
        data[f"{prefix}-rationale"] = answer.rationale or "Because the contract says so."
        data[f"{prefix}-recommendation"] = answer.recommendation
        data[f"{prefix}-version"] = str(answer.version)
        data[f"{prefix}-evidence"] = []
        data[f"{prefix}-resolution"] = "mine"
        data[f"{prefix}-stored_version"] = str(answer.version)
    return data


@pytest.mark.parametrize("view", ["assessment_category", "assessment_category_resolve"])
def test_category_page_survives_hostile_fields(as_alice, draft, view):
    url = reverse(f"reviews:{view}", args=[draft.pk, "C1"])

    @EXAMPLES
    @given(data=hostile_form(category_data(draft), extra=("a999999-status", "a1-version")))
    def check(data):
        response = refused_or_accepted(as_alice, url, data)
        assert response.status_code in (200, 302, 409)

    check()


@pytest.mark.parametrize(
    ("view", "target"), [("assessment_return", "in_review"), ("assessment_reopen", "approved")]
)
def test_workflow_comments_survive_hostile_text(as_bob, request, view, target):
    assessment = request.getfixturevalue(target)
    url = reverse(f"reviews:{view}", args=[assessment.pk])

    @EXAMPLES
    @given(data=hostile_form({"comment": "Cite clause 4."}))
    def check(data):
        refused_or_accepted(as_bob, url, data)

    check()


@EXAMPLES
@given(data=hostile_form({"fingerprint": "ab" * 32}))
def test_verification_by_fingerprint_survives_hostile_text(as_alice, approved, data):
    response = refused_or_accepted(as_alice, reverse("reports:verify_fingerprint"), data)
    assert response.status_code in (200, 400)


@EXAMPLES
@given(data=hostile_form({"username": "alice", "password": "correct horse battery"}))
def test_login_survives_hostile_fields(alice, data):
    refused_or_accepted(Client(), reverse("login"), data)


# --- the import format ----------------------------------------------------------------------

HUGE_NUMBER = "HUGE-NUMBER-MARKER"


def valid_import(framework, deployment=None) -> dict:
    return {
        "schema": "safeguards.assessment-import/1",
        "framework": {"slug": framework.framework.slug, "version": framework.version},
        "deployment": {"id": deployment.pk} if deployment else {"name": "X", "operator": "Y"},
        "assessment": {"title": "Imported review", "as_of": "2026-11-01"},
        "answers": [
            {
                "code": "C1-1",
                "status": "undisclosed",
                "rationale": "Nothing published.",
                "evidence": [{"title": "Notice", "kind": "web_page", "url": "https://x.org/n"}],
            },
            {"code": "C1-2", "status": "met", "rationale": "Clause 4.", "recommendation": ""},
        ],
    }


json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**200),
    st.floats(allow_nan=False),
    st.just(HUGE_NUMBER),
    text,
)
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def places(doc, path=()):
    """Every (path to a container, key) in a document."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for key, value in items:
        yield path, key
        if isinstance(value, dict | list):
            yield from places(value, (*path, key))


def mutated(doc: dict, draw) -> bytes:
    """The document with a few of its values replaced or removed, as JSON bytes."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        spots = list(places(doc))
        if not spots:
            break
        path, key = draw(st.sampled_from(spots))
        container = doc
        for step in path:
            container = container[step]
        if draw(st.booleans()) and isinstance(container, dict):
            del container[key]
        else:
            container[key] = draw(json_value)
    raw = json.dumps(doc)
    return raw.replace(f'"{HUGE_NUMBER}"', "1" * 5000).encode()


RAW_DOCUMENTS = [
    b"",
    b"\x00",
    b"\xff\xfe{}",
    b'{"schema": "\xc3\x28"}',
    b"\xef\xbb\xbf{}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b"1" * 5000,
    b'{"schema": ' + b"9" * 5000 + b"}",
    b'{"schema": 1e999999}',
    b'{"schema": NaN}',
    b'{"schema": "a", "schema": "b"}',
    b"null",
    b'"just a string"',
]


@pytest.mark.parametrize("raw", RAW_DOCUMENTS, ids=range(len(RAW_DOCUMENTS)))
def test_import_checks_refuse_hostile_bytes_with_a_message(framework, raw):
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_bytes(raw, None, None)
    assert refused.value.errors and all(isinstance(e, str) for e in refused.value.errors)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_import_checks_never_crash_on_mutated_documents(data):
    catalog = {("test-framework", 1): {"C1-1": True, "C1-2": False, "C2-1": False}}
    template = {
        "schema": "safeguards.assessment-import/1",
        "framework": {"slug": "test-framework", "version": 1},
        "deployment": {"name": "X", "operator": "Y", "contract_value": "1.00"},
        "assessment": {"title": "T", "as_of": "2026-11-01"},
        "answers": [
            {
                "code": "C1-2",
                "status": "met",
                "rationale": "Clause 4.",
                "evidence": [{"title": "N", "kind": "web_page", "url": "https://x.org/n"}],
            }
        ],
    }
    raw = mutated(template, data.draw)
    doc, errors = importer.parse(raw)
    if not errors:
        errors = importer.validate(doc, catalog, {1})
    assert all(isinstance(error, str) and error for error in errors)


@EXAMPLES
@given(data=st.data())
def test_import_upload_survives_hostile_documents(as_alice, framework, deployment, data):
    document = valid_import(framework, deployment if data.draw(st.booleans()) else None)
    raw = data.draw(st.one_of(st.sampled_from(RAW_DOCUMENTS), st.just(None)))
    if raw is None:
        raw = mutated(document, data.draw)
    upload = SimpleUploadedFile(
        data.draw(text.filter(lambda n: os.path.basename(n) not in {"", ".", ".."})), raw
    )
    response = refused_or_accepted(as_alice, reverse("reviews:import_assessment"), {"file": upload})
    assert response.status_code in (200, 302, 400)


# --- the verification page ------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_verification_of_a_mutated_report_never_crashes(approved, data):
    report = json.loads(approved.report_versions.get().canonical_json)
    raw = mutated(report, data.draw)
    outcome = verify_file(raw, None)
    assert outcome.kind in ("matches", "altered", "unmatched", "unreadable")


@EXAMPLES
@given(raw=st.one_of(st.binary(max_size=200), st.binary(max_size=200).map(b"%PDF-1.7\n".__add__)))
def test_verification_upload_survives_hostile_files(as_alice, db, raw):
    upload = SimpleUploadedFile("report.pdf", raw)
    response = refused_or_accepted(as_alice, reverse("reports:verify_file"), {"file": upload})
    assert response.status_code in (200, 400)


# --- what Django refuses before any view runs -----------------------------------------------


def test_a_body_over_the_upload_limit_is_a_400(as_alice, deployment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = db_state()
    response = as_alice.post(reverse("reviews:deployment_create"), {"name": "x" * 2000})
    assert response.status_code == 400
    assert db_state() == before


def test_too_many_fields_is_a_400(as_alice, draft):
    before = db_state()
    data = {f"a{n}-status": "met" for n in range(1100)}
    response = as_alice.post(reverse("reviews:assessment_category", args=[draft.pk, "C1"]), data)
    assert response.status_code == 400
    assert db_state() == before


def test_invalid_utf8_in_a_form_is_refused_without_a_500(as_alice, office):
    before = db_state()
    response = as_alice.post(
        reverse("reviews:deployment_create"),
        b"name=%FF%FE%00&operator=%C3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert db_state() == before


@pytest.mark.parametrize("next_url", ["0", "home", "deployment_list"])
def test_a_next_that_is_a_bare_word_is_not_taken_for_a_view_name(as_alice, deployment, next_url):
    url = reverse("reviews:evidence_create", args=[deployment.pk]) + f"?next={next_url}"
    response = as_alice.post(url, EVIDENCE)
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_markup_typed_into_a_field_is_shown_as_text(as_alice, office):
    script = "<script>alert(1)</script>"
    data = DEPLOYMENT | {"name": script, "purposes": '"><img src=x onerror=alert(1)>'}
    response = as_alice.post(reverse("reviews:deployment_create"), data, follow=True)
    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert script not in page and "<img src=x" not in page


def test_an_overlong_user_name_is_a_form_error_not_a_lockout_record(client, alice):
    response = client.post(reverse("login"), {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()


QUERY_PAGES = {
    "reviews:deployment_list": ("q", "office", "vendor", "technology", "page"),
    "reviews:assessment_list": ("q", "status", "deployment", "framework", "page"),
    "reviews:evidence_list": ("page",),
    "reviews:assessment_next_unanswered": ("after",),
    "audit:assessment_history": ("page",),
    "audit:office_log": ("office", "actor", "action", "date_from", "date_to", "after", "before"),
}


@pytest.mark.parametrize("name", QUERY_PAGES)
def test_list_pages_survive_hostile_query_strings(olga, deployment, draft, name):
    client = Client()
    client.force_login(olga)
    record = {"evidence_list": deployment, "next_unanswered": draft, "history": draft}
    found = [obj for key, obj in record.items() if name.endswith(key)]
    url = reverse(name, args=[found[0].pk] if found else [])
    keys = QUERY_PAGES[name]

    @EXAMPLES
    @given(query=st.fixed_dictionaries({}, optional={key: field_value for key in keys}))
    def check(query):
        query = {k: v for k, v in query.items() if not isinstance(v, SimpleUploadedFile)}
        before = db_state()
        response = client.get(url, query)
        assert response.status_code in (200, 302, 400, 404)
        assert db_state() == before

    check()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("reviews:assessment_next_unanswered", {"after": "C1\x00"}),
        ("reviews:evidence_create", {"assessment": "DRAFT", "criterion": "C1-1\x00"}),
    ],
)
def test_a_nul_in_a_query_string_is_not_a_500(as_alice, deployment, draft, name, query):
    """PostgreSQL refuses NUL in any text it is asked to compare."""
    target = draft if "assessment_" in name else deployment
    query = {key: str(draft.pk) if value == "DRAFT" else value for key, value in query.items()}
    response = as_alice.get(reverse(name, args=[target.pk]), query)
    assert response.status_code in (200, 302)

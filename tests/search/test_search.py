"""The one search box: grouped results of the user's offices only, paged per kind."""

import pytest
from django.urls import reverse

from safeguards.reviews.models import Answer, Evidence
from safeguards.search.query import snippet, words
from tests.factories import make_assessment, make_deployment, make_framework

SEARCH = reverse("search:results")


@pytest.fixture
def version(db):
    return make_framework(categories=2, per_category=3)


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice, technology="Face-recognition search service")


@pytest.fixture
def assessment(deployment, version, alice):
    assessment = make_assessment(deployment, version, alice)
    Answer.objects.filter(assessment=assessment, criterion__code="C1-2").update(
        status="not_met", rationale="Uploads are kept for ninety days without review."
    )
    Answer.objects.filter(assessment=assessment, criterion__code="C2-1").update(
        status="partial", recommendation="Publish the retention schedule for probe photos."
    )
    return assessment


def add_evidence(deployment, title, **fields):
    return Evidence.objects.create(
        office=deployment.office, deployment=deployment, title=title, kind="document", **fields
    )


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def test_words_are_split_deduplicated_and_capped():
    assert words("  Face  recognition face\x00 ") == ["Face", "recognition"]
    assert len(words(" ".join(f"w{n}" for n in range(20)))) == 8


def test_snippet_marks_the_first_word_found_and_trims_both_sides():
    text = "a" * 200 + " Retention of probe photos " + "b" * 200
    found = snippet(text, ["PROBE"], width=40)
    assert found.match == "probe"
    assert found.before.startswith("…") and found.before.endswith("Retention of ")
    assert found.after.startswith(" photos") and found.after.endswith("…")
    assert snippet("nothing here", ["probe"]) is None


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(SEARCH, {"q": "face"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_header_has_the_search_box(client_for, alice):
    html = client_for(alice).get(reverse("home")).content.decode()
    assert f'action="{SEARCH}" role="search"' in html
    assert 'name="q" id="site-search-q"' in html


def test_every_word_must_occur_so_hyphenated_text_is_found(client_for, alice, deployment):
    html = search(client_for(alice), q="face recognition")
    assert deployment.get_absolute_url() in html
    assert "1 result for “face recognition”" in html
    assert "<mark>Face</mark>-recognition search service" in html
    assert "No deployment" not in html
    assert search(client_for(alice), q="face elephant").count(deployment.get_absolute_url()) == 0


def test_results_are_grouped_by_kind_with_links(client_for, alice, deployment, assessment):
    add_evidence(deployment, "Retention policy memo", citation="p. 4, probe photos")
    html = search(client_for(alice), q="probe")
    # The recommendation's answer and the evidence citation, each under its own heading.
    assert '<h2 class="h5" id="results-answers">Criterion answers' in html
    assert '<h2 class="h5" id="results-evidence">Evidence' in html
    assert "results-deployments" not in html
    category = reverse("reviews:assessment_category", args=[assessment.pk, "C2"])
    assert f'href="{category}#criterion-C2-1"' in html
    assert "Publish the retention schedule for <mark>probe</mark> photos." in html
    assert "Retention policy memo" in html


def test_rationale_and_assessment_title_are_found(client_for, alice, assessment):
    html = search(client_for(alice), q="ninety days")
    category = reverse("reviews:assessment_category", args=[assessment.pk, "C1"])
    assert f'href="{category}#criterion-C1-2"' in html
    html = search(client_for(alice), q="assessment of border")
    assert f'href="{assessment.get_absolute_url()}"' in html


def test_another_offices_records_never_appear(
    client_for, alice, mallory, other_office, version, deployment, assessment
):
    theirs = make_deployment(other_office, mallory, name="Secret probe deployment")
    their_assessment = make_assessment(theirs, version, mallory)
    their_assessment.answers.update(rationale="A probe rationale of theirs.")
    add_evidence(theirs, "Their probe evidence")
    html = search(client_for(alice), q="probe")
    for text in (
        "Secret probe deployment",
        "Their probe evidence",
        "A probe rationale",
        their_assessment.get_absolute_url(),
    ):
        assert text not in html
    assert "1 result for" in html  # alice's own recommendation only
    # And mallory sees only hers, never alice's.
    html = search(client_for(mallory), q="probe")
    assert "Secret probe deployment" in html
    assert "retention schedule" not in html


def test_empty_state_and_prompt(client_for, alice, deployment):
    assert "Type one or more words" in search(client_for(alice))
    html = search(client_for(alice), q="zeppelin")
    assert "0 results for “zeppelin”" in html
    assert "Nothing in your offices matches “zeppelin”" in html


def test_a_too_long_query_is_refused_by_the_field(client_for, alice):
    html = search(client_for(alice), q="x" * 201)
    assert 'aria-invalid="true"' in html
    assert "at most 200 characters" in html


def test_unknown_kind_is_an_error_not_a_500(client_for, alice, deployment):
    html = search(client_for(alice), q="face", kind="passwords")
    assert "Select a valid choice" in html


def test_one_kind_is_paged(client_for, alice, deployment):
    for n in range(30):
        add_evidence(deployment, f"Probe note {n:02d}")
    client = client_for(alice)
    html = search(client, q="probe note")
    assert html.count("Probe note ") == 5
    assert "Show all 30 evidence" in html
    html = search(client, q="probe note", kind="evidence")
    assert html.count('class="search-title"') == 25
    assert "Page 1 of 2" in html
    html = search(client, q="probe note", kind="evidence", page=2)
    assert html.count('class="search-title"') == 5
    assert "Probe note 29" in html


def test_a_kind_without_results_points_to_the_others(client_for, alice, deployment):
    html = search(client_for(alice), q="face", kind="evidence")
    assert "Nothing in your offices matches “face” among evidence" in html
    assert "see the 1 in other kinds" in html


@pytest.mark.parametrize("rows", [2, 40])
def test_query_count_does_not_grow_with_results(
    client_for, alice, version, office, rows, django_assert_num_queries
):
    for n in range(rows):
        deployment = make_deployment(office, alice, name=f"Probe deployment {n}")
        add_evidence(deployment, f"Probe evidence {n}")
        assessment = make_assessment(deployment, version, alice)
        assessment.answers.update(rationale="Probe answer.")
    client = client_for(alice)
    search(client, q="probe")
    # Session, user, roles; a count and a page of rows per kind (one kind: its rows, paged).
    with django_assert_num_queries(SEARCH_QUERIES):
        search(client, q="probe")
    with django_assert_num_queries(SEARCH_QUERIES - 2):
        search(client, q="probe", kind="answers")


SEARCH_QUERIES = 11


def test_archived_and_retired_records_are_left_out_unless_asked_for(
    client_for, alice, office, assessment, deployment
):
    from django.utils import timezone

    from safeguards.reviews.models import Assessment, Deployment

    kept = make_deployment(office, alice, name="Shelved ninety-day pilot")
    Deployment.objects.filter(pk=kept.pk).update(archived_at=timezone.now())
    Assessment.objects.filter(pk=assessment.pk).update(archived_at=timezone.now())
    retired = add_evidence(deployment, "Ninety-day retention memo")
    Evidence.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    live = add_evidence(deployment, "Ninety-day retention policy")
    client = client_for(alice)

    page = search(client, q="ninety")
    assert "Shelved ninety-day pilot" not in page
    assert "Uploads are kept for" not in page  # the answer of the archived assessment
    assert "retention memo" not in page and live.title in page

    page = search(client, q="ninety", archived="on")
    assert "Shelved ninety-day pilot" in page and "Uploads are kept for" in page
    assert "retention memo" in page
    assert '<span class="badge status-badge status-archived">Retired</span>' in page
    assert 'name="archived" value="on" id="search-archived" checked' in page

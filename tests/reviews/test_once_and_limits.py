"""Nothing lost, nothing made twice: one-time create tokens and length limits without cuts."""

import re

import pytest
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reviews.models import Assessment, Deployment, Evidence
from tests.factories import make_assessment, make_deployment, make_framework

from .test_scoring_form import answer, page, page_data


@pytest.fixture
def version(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


def token_on(response) -> str:
    match = re.search(r'name="once" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


# One-time tokens -------------------------------------------------------------------------


def test_a_second_post_of_the_same_create_form_makes_nothing_and_links_the_first(client_for, alice):
    client = client_for(alice)
    token = token_on(client.get(reverse("reviews:deployment_create")))
    data = {"name": "Border face search", "operator": "Border agency", "once": token}
    first = client.post(reverse("reviews:deployment_create"), data)
    assert first.status_code == 302
    second = client.post(reverse("reviews:deployment_create"), data)
    assert second.status_code == 409
    made = Deployment.objects.get()
    assert f'href="{made.get_absolute_url()}"' in second.content.decode()
    assert Event.objects.filter(action="deployment.created").count() == 1


def test_each_form_shown_gets_its_own_token(client_for, alice):
    client = client_for(alice)
    url = reverse("reviews:deployment_create")
    assert token_on(client.get(url)) != token_on(client.get(url))


def test_a_refused_form_keeps_its_token(client_for, alice):
    client = client_for(alice)
    url = reverse("reviews:deployment_create")
    token = token_on(client.get(url))
    refused = client.post(url, {"name": "", "operator": "", "once": token})
    assert refused.status_code == 200 and token_on(refused) == token
    assert client.post(url, {"name": "A", "operator": "B", "once": token}).status_code == 302


def test_evidence_and_assessment_creates_are_once_only(client_for, alice, deployment, version):
    client = client_for(alice)
    url = reverse("reviews:evidence_create", args=[deployment.pk])
    data = {"title": "Press release", "kind": "web_page", "url": "https://example.org/pr"}
    data["once"] = token_on(client.get(url))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert Evidence.objects.count() == 1

    url = reverse("reviews:assessment_create", args=[deployment.pk])
    data = {"title": "First", "framework_version": version.pk, "as_of": "2026-11-02"}
    data["once"] = token_on(client.get(url))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert Assessment.objects.count() == 1


def test_a_token_is_no_use_to_another_person(client_for, alice, bob):
    token = token_on(client_for(alice).get(reverse("reviews:deployment_create")))
    data = {"name": "A", "operator": "B", "once": token}
    client_for(alice).post(reverse("reviews:deployment_create"), data)
    refused = client_for(bob).post(reverse("reviews:deployment_create"), data)
    assert refused.status_code == 409
    assert Deployment.objects.get().get_absolute_url() not in refused.content.decode()


# Length limits ---------------------------------------------------------------------------


def test_forms_carry_no_maxlength_only_a_counted_limit(client_for, alice):
    html = client_for(alice).get(reverse("reviews:deployment_create")).content.decode()
    html = html.split("<main", 1)[1]  # the form, not the header's search box
    assert " maxlength=" not in html
    assert 'data-maxlength="200"' in html


def test_an_overlong_name_is_refused_by_the_field_with_both_counts(client_for, alice):
    response = client_for(alice).post(
        reverse("reviews:deployment_create"), {"name": "x" * 220, "operator": "Agency"}
    )
    assert response.status_code == 200
    assert "This is 220 characters long; the limit is 200." in response.content.decode()
    assert not Deployment.objects.exists()


def test_a_30000_character_rationale_round_trips_exactly(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice)
    text = ("Clause 4 of the licence says: " + "word " * 6000)[:29_999] + "."
    assert len(text) == 30_000
    data = page_data(assessment, C1_1={"status": "not_met", "rationale": text})
    assert client_for(alice).post(page(assessment), data).status_code == 302
    assert answer(assessment, "C1-1").rationale == text


def test_a_rationale_over_the_limit_is_refused_not_cut(client_for, alice, deployment, version):
    assessment = make_assessment(deployment, version, alice)
    data = page_data(assessment, C1_1={"status": "not_met", "rationale": "y" * 100_001})
    response = client_for(alice).post(page(assessment), data)
    assert response.status_code == 200
    assert "This is 100001 characters long; the limit is 100000." in response.content.decode()
    assert answer(assessment, "C1-1").rationale == ""

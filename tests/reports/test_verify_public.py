"""Verification works signed out, through the short link too, leaks nothing, and is rate-limited."""

import pytest
from django.urls import reverse

from .test_verify import upload, version  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_verify_page_is_public(client):
    response = client.get(reverse("reports:verify"))
    assert response.status_code == 200
    assert b"Sign in" in response.content  # the signed-out header


def test_signed_out_fingerprint_lookup_names_only_office_version_and_date(client, version):  # noqa: F811
    response = client.post(
        reverse("reports:verify_fingerprint"), {"fingerprint": version.fingerprint}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        f"It matches approved version 1 of a report issued by {version.office.name} on "
        f"{version.approved_at:%Y-%m-%d}." in text
    )
    assessment = version.assessment
    for secret in (assessment.deployment.name, assessment.title, version.approved_by_username):
        assert secret not in text


def test_short_link_verifies_the_fingerprint_in_its_path(client, version):  # noqa: F811
    response = client.get(reverse("verify_short", args=[version.fingerprint]))
    assert response.status_code == 200
    assert "This fingerprint belongs to an approved report." in response.content.decode()
    assert version.assessment.deployment.name not in response.content.decode()


@pytest.mark.django_db
def test_short_link_with_garbage_is_a_form_error_not_a_500(client):
    response = client.get("/v/not-a-hash/")
    assert response.status_code in (200, 400)
    assert b"fingerprint" in response.content


def test_signed_out_file_check_works(client, version):  # noqa: F811
    response = upload(client, "report.json", version.canonical_json.encode())
    assert response.status_code == 200
    assert b"approved version 1" in response.content


def test_members_still_see_the_details(client_for, alice, version):  # noqa: F811
    response = client_for(alice).get(reverse("verify_short", args=[version.fingerprint]))
    assert version.assessment.deployment.name in response.content.decode()


@pytest.mark.django_db
def test_lookups_past_the_limit_get_429(client, settings):
    settings.SAFEGUARDS_VERIFY_RATE = 3
    # A window far longer than the test, so the lookups cannot straddle two windows.
    settings.SAFEGUARDS_VERIFY_WINDOW_SECONDS = 10**6
    url = reverse("verify_short", args=["0" * 64])
    statuses = [client.get(url).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert b"Too many checks" in client.get(url).content

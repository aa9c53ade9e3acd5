"""The admin shows frameworks but never adds, changes or deletes them: loading is by command."""

import pytest
from django.urls import reverse

from safeguards.catalog.loader import load
from safeguards.catalog.models import Criterion, FrameworkVersion

from .samples import SMALL

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("site-admin", password="x" * 16)
    client.force_login(admin)
    return client


@pytest.fixture
def version():
    return load(SMALL, "tester").version


@pytest.mark.parametrize("model", ["framework", "frameworkversion", "category", "criterion"])
def test_changelists_are_readable(staff_client, version, model):
    response = staff_client.get(reverse(f"admin:catalog_{model}_changelist"))
    assert response.status_code == 200


def test_version_page_is_view_only(staff_client, version):
    response = staff_client.get(reverse("admin:catalog_frameworkversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert b"View framework version" in response.content
    assert b'name="_save"' not in response.content
    assert version.source_sha256.encode() in response.content


def test_post_to_version_change_is_refused_and_changes_nothing(staff_client, version):
    url = reverse("admin:catalog_frameworkversion_change", args=[version.pk])
    response = staff_client.post(url, {"title": "Tampered"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.title == "Small test framework"


def test_criterion_cannot_be_changed_in_admin(staff_client, version):
    criterion = Criterion.objects.get(code="UPL-1")
    url = reverse("admin:catalog_criterion_change", args=[criterion.pk])
    assert staff_client.post(url, {"question": "Tampered"}).status_code == 403
    criterion.refresh_from_db()
    assert criterion.question == "Does a binding policy say which photos may be searched?"


@pytest.mark.parametrize("model", ["framework", "frameworkversion", "criterion"])
def test_nothing_can_be_added_in_admin(staff_client, model):
    assert staff_client.get(reverse(f"admin:catalog_{model}_add")).status_code == 403


def test_versions_cannot_be_deleted_in_admin(staff_client, version):
    url = reverse("admin:catalog_frameworkversion_delete", args=[version.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert FrameworkVersion.objects.filter(pk=version.pk).exists()


def test_changelist_offers_no_bulk_delete(staff_client, version):
    response = staff_client.get(reverse("admin:catalog_frameworkversion_changelist"))
    assert b"delete_selected" not in response.content

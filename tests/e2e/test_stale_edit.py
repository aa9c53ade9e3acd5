"""Two people edit the same deployment in real browsers: the later save shows the conflict page
with both values as text (never a 500), and saving again from it applies the user's values."""

import datetime

import pytest
from playwright.sync_api import expect

from safeguards.reviews.models import Deployment
from tests.factories import make_deployment

from .conftest import login


@pytest.fixture
def deployment(office, alice):
    return make_deployment(
        office,
        alice,
        vendor="Vendor A",
        period_start=datetime.date(2025, 10, 1),
        period_end=datetime.date(2026, 9, 30),
    )


def test_a_stale_deployment_save_shows_the_conflict_page_and_then_saves(
    page, new_page, deployment, bob
):
    edit = f"/deployments/{deployment.pk}/edit/"
    login(page, "alice")
    page.goto(edit)
    page.get_by_label("Vendor").fill("Vendor by Alice")

    other = new_page()
    login(other, "bob")
    other.goto(edit)
    other.get_by_label("Vendor").fill("Vendor by Bob")
    other.get_by_role("button", name="Save changes").click()
    expect(other.get_by_text("Saved 1 change(s)")).to_be_visible()

    response = None

    def remember(r):
        nonlocal response
        if r.request.method == "POST":
            response = r

    page.on("response", remember)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert response is not None and response.status == 409
    conflict = page.get_by_role("region", name="Changed by someone else since you opened this page")
    expect(conflict).to_contain_text("Vendor by Bob")
    expect(conflict).to_contain_text("Vendor by Alice")
    expect(conflict).not_to_contain_text("['")
    expect(page.get_by_label("Vendor")).to_have_value("Vendor by Alice")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved 1 change(s)")).to_be_visible()
    stored = Deployment.objects.get(pk=deployment.pk)
    assert (stored.vendor, stored.version) == ("Vendor by Alice", 3)
    assert stored.period_start == datetime.date(2025, 10, 1)
    assert stored.period_end == datetime.date(2026, 9, 30)

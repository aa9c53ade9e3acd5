"""The office log as an office admin uses it: filters chosen from lists, the events named in
words, and the filtered log downloaded as CSV."""

import csv
import io

import pytest
from playwright.sync_api import expect

from safeguards.accounts.models import Profile

from .axe import serious_violations
from .conftest import login
from .world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(office, alice, olga):
    Profile.objects.create(user=alice, full_name="Alice Auditor")
    return build_world(office, alice)


def test_filter_the_log_from_lists_and_download_it_as_csv(page, world, screenshot):
    login(page, "olga")
    page.goto("/audit/office/")
    page.get_by_label("Who").select_option(label="Alice Auditor (alice)")
    page.get_by_label("What").select_option(label="Answer changed")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url("/audit/office/?actor=alice&action=answer.updated&date_from=&date_to=")

    log = page.locator("table.audit-log > tbody > tr")
    expect(log).to_have_count(3)  # the three answers of category C1 the world saved
    first = log.first
    expect(first.get_by_role("link", name="C1-3")).to_be_visible()
    expect(first).to_contain_text("Alice Auditor")
    assert "answer.updated" not in page.locator("main").inner_text()
    first.get_by_text("fields changed").click()
    expect(first.locator(".audit-changes")).to_contain_text("Not assessed")
    page.get_by_text("Why the event numbers").click()
    expect(page.get_by_text("Events are numbered in one chain for the whole site")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "office-log-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these events (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("office-log-")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 3
    assert {row["action"] for row in rows} == {"Answer changed"}
    assert {row["person"] for row in rows} == {"Alice Auditor"}
    assert [row["target"].split()[0] for row in rows] == ["C1-3", "C1-2", "C1-1"]
    assert all("Border face search review" in row["target"] for row in rows)

    # The target's link opens the criterion on its category page.
    first.get_by_role("link", name="C1-3").click()
    expect(page).to_have_url(f"/assessments/{world.assessment.pk}/categories/C1/#criterion-C1-3")

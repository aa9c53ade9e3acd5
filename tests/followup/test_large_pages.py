"""The register and the portfolio stay small pages in a large office: the register filters by
deployment name (no list of every deployment), the portfolio table is paged (the CSV is not)."""

import csv
import io

import pytest
from django.urls import reverse

from safeguards.followup import views_portfolio
from safeguards.followup.models import Recommendation
from tests.factories import make_deployment


@pytest.fixture
def recs(approved):
    return list(Recommendation.objects.filter(deployment=approved.deployment).order_by("serial"))


def test_register_filters_by_deployment_name(client_for, victor, office, recs, approved):
    make_deployment(office, name="Unrelated licence plate readers")
    client = client_for(victor)
    page = client.get(reverse("followup:register"), {"deployment_name": "FACE sea"})
    assert page.context["page"].paginator.count == 3
    none = client.get(reverse("followup:register"), {"deployment_name": "plate"})
    assert none.context["page"].paginator.count == 0
    assert "Unrelated licence plate readers" not in page.content.decode()  # no deployment list


def test_a_deployment_s_link_shows_only_its_recommendations_and_says_so(
    client_for, victor, recs, approved
):
    response = client_for(victor).get(
        reverse("followup:register"), {"deployment": approved.deployment_id}
    )
    assert response.context["page"].paginator.count == 3
    text = response.content.decode()
    assert "Only the recommendations of" in text and approved.deployment.name in text
    assert f'name="deployment" value="{approved.deployment_id}"' in text  # kept when refiltering


def test_another_office_s_deployment_filters_nothing_in(client_for, mallory, approved):
    response = client_for(mallory).get(
        reverse("followup:register"), {"deployment": approved.deployment_id}
    )
    assert (
        response.status_code == 200
        and "Only the recommendations of" not in response.content.decode()
    )


def test_the_portfolio_table_is_paged_and_the_csv_has_every_line(
    client_for, victor, office, approved, monkeypatch
):
    for n in range(4):
        make_deployment(office, name=f"Extra deployment {n}")
    monkeypatch.setattr(views_portfolio, "PAGE_SIZE", 2)
    client = client_for(victor)
    first = client.get(reverse("followup:portfolio"))
    assert len(first.context["page"].object_list) == 2
    text = first.content.decode()
    assert "5 deployments, 1–2 shown (the CSV has all)" in text and "Page 1 of 3" in text
    last = client.get(reverse("followup:portfolio"), {"page": 3})
    assert [line.name for line in last.context["page"].object_list] == ["Extra deployment 3"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("followup:portfolio_csv")).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 1 + 5

"""The site header: account menu with the office name, sections marked, private caching."""

import pytest
from django.urls import reverse

from safeguards.accounts.context_processors import section_of


def test_header_names_the_office_in_the_account_menu(client_for, alice, office):
    response = client_for(alice).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    menu = html[html.index('class="account-menu"') :]
    assert office.name in menu[: menu.index("</details>")]
    assert "Log out" in menu[: menu.index("</details>")]


def test_signed_in_pages_are_private_and_not_stored(client_for, alice):
    response = client_for(alice).get(reverse("reviews:deployment_list"))
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "home"),
        ("/deployments/3/evidence/", "deployments"),
        ("/evidence/7/", "deployments"),
        ("/assessments/1/categories/AUTH/", "assessments"),
        ("/reports/assessments/1/", "assessments"),
        ("/reports/verify/file/", "verify"),
        ("/audit/office/", "office_log"),
        ("/frameworks/x/1/", "frameworks"),
    ],
)
def test_section_of_path(path, section):
    assert section_of(path) == section


def test_current_section_is_marked(client_for, alice):
    html = client_for(alice).get(reverse("reviews:deployment_list")).content.decode()
    assert f'href="{reverse("reviews:deployment_list")}" aria-current="page"' in html

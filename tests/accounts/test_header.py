"""The site header: account menu with the office name, sections marked, private caching."""

import re

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

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


def header_links(html: str) -> set[str]:
    header = html[html.index("<header") : html.index("</header>")]
    return set(re.findall(r'(?:href|action)="([^"]+)"', header)) - {"#main"}


def test_header_links_go_to_their_pages(client_for, olga):
    links = header_links(client_for(olga).get(reverse("home")).content.decode())
    names = ("home", "reviews:deployment_list", "reviews:assessment_list", "followup:register")
    names += ("catalog:framework_list", "reports:verify", "search:results", "notifications:list")
    names += ("offices", "audit:office_log", "profile", "password_change", "logout")
    assert {reverse(name) for name in names} <= links
    assert all(link.startswith("/") and link != "/None" for link in links), links


def test_header_links_follow_the_mount_point(client_for, alice):
    # Reversed once per mount point, not once per process: an app served under /sg/ links there.
    client = client_for(alice)
    set_script_prefix("/sg/")  # what the WSGI handler does for SCRIPT_NAME=/sg
    try:
        links = header_links(client.get("/").content.decode())
    finally:
        clear_script_prefix()
    assert "/sg/deployments/" in links and "/deployments/" not in links
    assert all(link.startswith("/sg/") for link in links if not link.startswith("/static/"))

"""The framework pages: readable by every signed-in user, in a fixed number of queries."""

import copy

import pytest
from django.urls import reverse

from safeguards.catalog.loader import load
from safeguards.catalog.models import Reference
from tests.factories import make_framework

from .samples import SMALL, dump, small_data

pytestmark = pytest.mark.django_db


def version_url(slug="small-test", version=1):
    return reverse("catalog:framework_version", args=[slug, version])


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalog:framework_list"),
        reverse("catalog:framework", args=["small-test"]),
        "/frameworks/small-test/v1/",
    ],
)
def test_anonymous_is_sent_to_login(client, url):
    load(SMALL, "tester")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_list_shows_frameworks_versions_newest_and_criteria_counts(client_for, alice):
    load(SMALL, "tester")
    data = small_data()
    data["version"] = 2
    extra = copy.deepcopy(data["categories"][1]["criteria"][0])
    extra.update(code="RET-2", title="Agency deletion")
    data["categories"][1]["criteria"].append(extra)
    load(dump(data), "tester")
    response = client_for(alice).get(reverse("catalog:framework_list"))
    assert response.status_code == 200
    rows = response.content.decode().split("<tr>")
    version_2, version_1 = rows[2], rows[3]
    assert 'Version 2</a> <span class="badge text-bg-success">newest</span>' in version_2
    assert "<td>4</td>" in version_2
    assert "newest" not in version_1
    assert "<td>3</td>" in version_1


def test_list_empty_state_says_how_to_load(client_for, alice):
    response = client_for(alice).get(reverse("catalog:framework_list"))
    assert b"No frameworks are loaded yet." in response.content
    assert b"ask them to load one" in response.content
    assert b"manage.py" not in response.content  # the command is in the operators' docs


def test_framework_address_redirects_to_newest_version(client_for, alice):
    load(SMALL, "tester")
    data = small_data()
    data["version"] = 3
    load(dump(data), "tester")
    response = client_for(alice).get(reverse("catalog:framework", args=["small-test"]))
    assert response.status_code == 302
    assert response["Location"] == version_url(version=3)


def test_unknown_framework_is_404(client_for, alice):
    assert client_for(alice).get(reverse("catalog:framework", args=["nope"])).status_code == 404


def test_unknown_version_is_404(client_for, alice):
    load(SMALL, "tester")
    assert client_for(alice).get(version_url(version=2)).status_code == 404


def test_version_page_shows_every_part_of_a_criterion(client_for, alice):
    load(SMALL, "tester")
    response = client_for(alice).get(version_url())
    assert response.status_code == 200
    for text in [
        "UPL-1 Probe image rules",
        "Does a binding policy say which photos may be searched?",
        "Read the SOP.",
        "A signed policy lists permitted probe sources.",
        "Rules exist but are not binding.",
        "Severity: Critical",
        "Weight 4 (default for critical)",
        "Weight 2</span>",
        "Red line: not met or partial is a breach; undisclosed is not demonstrated",
        "Official summary, verified",
        "adequate at 75 or more; significant gaps at 40 or more",
    ]:
        assert text in response.content.decode(), text


def test_references_are_links_that_leak_nothing(client_for, alice):
    load(SMALL, "tester")
    response = client_for(alice).get(version_url())
    assert (
        b'<a href="https://www.dhs.gov/publication/face-recognition" rel="noopener noreferrer">'
        b"DHS Directive 026-11</a>, Section 4" in response.content
    )


def test_reference_without_web_address_is_not_a_link(client_for, alice):
    version = make_framework()
    Reference.objects.filter(criterion__framework_version=version).update(url="javascript:alert(1)")
    response = client_for(alice).get(version_url("test-framework"))
    assert b"javascript:" not in response.content


def test_table_of_contents_links_every_category_and_criterion(client_for, alice):
    load(SMALL, "tester")
    content = client_for(alice).get(version_url()).content.decode()
    for anchor in ["cat-UPL", "cat-RET", "UPL-1", "UPL-2", "RET-1"]:
        assert f'href="#{anchor}"' in content
        assert f'id="{anchor}"' in content


def test_older_version_points_to_the_newest(client_for, alice):
    load(SMALL, "tester")
    data = small_data()
    data["version"] = 2
    load(dump(data), "tester")
    content = client_for(alice).get(version_url(version=1)).content.decode()
    assert "This is not the newest version." in content
    assert f'href="{version_url(version=2)}">Version 2</a> is the newest' in content
    newest = client_for(alice).get(version_url(version=2)).content.decode()
    assert "Newest version" in newest


def test_members_of_any_office_can_read_frameworks(client_for, mallory):
    load(SMALL, "tester")
    assert client_for(mallory).get(version_url()).status_code == 200


def test_signed_in_user_without_office_can_read_frameworks(client_for, django_user_model):
    load(SMALL, "tester")
    loner = django_user_model.objects.create_user("loner", password="correct horse battery")
    assert client_for(loner).get(reverse("catalog:framework_list")).status_code == 200


def test_version_page_has_print_rules(client_for, alice):
    load(SMALL, "tester")
    response = client_for(alice).get(version_url())
    assert b'class="framework"' in response.content
    css = client_for(alice).get("/static/css/app.css")
    assert b".framework .criterion { break-inside: avoid; }" in b"".join(css.streaming_content)


@pytest.mark.parametrize("size", [(1, 1), (6, 8)])
def test_version_page_query_count_does_not_grow(client_for, alice, django_assert_num_queries, size):
    categories, per_category = size
    make_framework(categories=categories, per_category=per_category)
    client = client_for(alice)
    url = version_url("test-framework")
    client.get(url)  # warm the session
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.count(b'class="criterion card') == categories * per_category


@pytest.mark.parametrize("frameworks", [1, 4])
def test_list_query_count_does_not_grow(client_for, alice, django_assert_num_queries, frameworks):
    for number in range(frameworks):
        make_framework(slug=f"framework-{number}", version=1)
        make_framework(slug=f"framework-{number}", version=2)
    client = client_for(alice)
    url = reverse("catalog:framework_list")
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.count(b"newest</span>") == frameworks

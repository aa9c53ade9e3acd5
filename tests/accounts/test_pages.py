import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "offices", "password_change", "catalog:framework_list"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.django_db
def test_login_page_is_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'id="main"' in response.content
    assert b"Skip to main content" in response.content


@pytest.mark.django_db
def test_static_files_are_public(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200


def test_login_with_password_reaches_home(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Welcome, alice" in response.content


def test_wrong_password_is_refused_next_to_the_form(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_home_empty_state_tells_reviewer_what_to_do(client_for, alice):
    response = client_for(alice).get(reverse("home"))
    assert b"No deployments yet." in response.content
    assert b"Describe the first deployment" in response.content


def test_home_empty_state_for_viewer_offers_no_creation(client_for, victor):
    response = client_for(victor).get(reverse("home"))
    assert b"No deployments yet." in response.content
    assert b"Describe the first deployment" not in response.content


def test_offices_page_lists_role(client_for, alice):
    response = client_for(alice).get(reverse("offices"))
    assert b"Office of Inspector General" in response.content
    assert b"Reviewer" in response.content


def test_logout_needs_post_and_ends_session(client_for, alice):
    client = client_for(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302

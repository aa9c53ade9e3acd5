"""Messages after an action: shown once, kept off the session, and never carried from one
person to the next on the same browser."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SAVED = "Your profile is saved."


def save_profile(client, name="Alice Example"):
    response = client.post(reverse("profile"), {"full_name": name, "title": "Inspector"})
    assert response.status_code == 302
    return response


def test_a_message_is_shown_once_without_writing_the_session(client_for, alice):
    client = client_for(alice)
    client.get(reverse("profile"))  # the sliding expiry's first write, out of the way
    save_profile(client)
    with CaptureQueriesContext(connection) as queries:
        shown = client.get(reverse("profile"))
    assert SAVED in shown.content.decode()
    sessions = [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert sessions and all(sql.startswith("SELECT") for sql in sessions)
    assert SAVED not in client.get(reverse("profile")).content.decode()


def test_an_unread_message_is_dropped_when_its_reader_signs_out(client, alice, bob):
    client.post(reverse("login"), {"username": "alice", "password": "correct horse battery"})
    save_profile(client)  # redirected, but the page with the message is never opened
    assert client.cookies["messages"].value
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "bob", "password": "correct horse battery"})
    assert SAVED not in client.get(reverse("profile")).content.decode()


def test_an_unread_message_is_dropped_when_someone_signs_in(client, alice, bob):
    client.post(reverse("login"), {"username": "alice", "password": "correct horse battery"})
    save_profile(client)
    # The browser keeps its cookies; the session is gone (expired, or cleared by an admin).
    client.cookies.pop("sessionid")
    client.post(reverse("login"), {"username": "bob", "password": "correct horse battery"})
    assert SAVED not in client.get(reverse("profile")).content.decode()

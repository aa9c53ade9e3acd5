"""The load test's made-up sign-ins must be real ones: a session the app does not accept would
send every request of that user to the sign-in page, and locust counts a redirect as an answer."""

from django.test import Client

from tests.scale.seed import session_for


def test_a_seeded_session_is_signed_in(victor):
    client = Client()
    client.cookies["sessionid"] = session_for(victor)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == victor

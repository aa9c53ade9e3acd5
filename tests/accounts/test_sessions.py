"""The session store reads sessions in written-out SQL: same answers as Django's database store."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguards.accounts.sessions import SessionStore


def a_session(**data) -> str:
    store = DjangoStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_live_session_loads_in_one_query(db):
    key = a_session(answer=42)
    store = SessionStore(key)
    with CaptureQueriesContext(connection) as queries:
        assert store["answer"] == 42
    assert len(queries) == 1
    assert store.session_key == key


def test_an_expired_or_unknown_session_is_empty_and_loses_its_key(db):
    key = a_session(answer=42)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    for missing in (key, "x" * 32):
        store = SessionStore(missing)
        assert store.load() == {}
        assert store.session_key is None


def test_a_session_still_saves_and_signs_in_through_the_store(client, alice, settings):
    assert settings.SESSION_ENGINE == "safeguards.accounts.sessions"
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200
    # Signed out elsewhere (the row gone): the cookie alone signs no one in.
    Session.objects.all().delete()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

"""A cache shared by every app instance (`SAFEGUARDS_CACHE_URL`, docs/deploy.md): Redis through
Django's own backend, on a real redis-server this module starts on 127.0.0.1, and Django's
database cache. Two test clients stand for two app instances; before each request the cache is
opened afresh from the settings, as it is in another process, so only what the cache server
holds carries over from one instance to the other."""

from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safeguards.fragments import fragments
from safeguards.reviews.models import Answer
from safeguards.settings import cache_from_url
from tests.factories import make_assessment, make_deployment, make_framework
from tests.scale import redis_server

redis = pytest.importorskip("redis", reason="the redis package is in requirements.txt")

PASSWORD = "correct horse battery"  # tests/conftest.py's members
NEXT = "Next unanswered criterion"  # the overview of a draft with criteria left to answer


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free loopback port, stopped afterwards (also on failure)."""
    if not redis_server.available():
        pytest.skip("redis-server is not installed: bash scripts/system-packages.sh installs it")
    server = redis_server.start(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["redis", "db"])
def shared_cache(request, db):
    """The settings' cache from a SAFEGUARDS_CACHE_URL, empty: the Redis server's, or the
    database cache's table (made as `manage.py createcachetable` makes it on a deployment)."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
    else:
        url = "db://safeguards_test_cache"
    # Restored here, before the database goes (conftest's fresh cache is cleared after that).
    with override_settings(CACHES={**django_settings.CACHES, "default": cache_from_url(url)}):
        if request.param == "db":
            call_command("createcachetable", verbosity=0)
        caches["default"].clear()
        yield request.param
        caches["default"].clear()


@contextmanager
def instance():
    """The next request runs as in another process: the cache is opened again from the URL."""
    caches.close_all()
    caches["default"] = caches.create_connection("default")
    yield


def get(client, url):
    with instance():
        return client.get(url)


def post(client, url, data):
    with instance():
        return client.post(url, data)


def test_the_cache_comes_from_the_url(shared_cache):
    backend = type(caches["default"]).__name__
    assert backend == {"redis": "RedisCache", "db": "DatabaseCache"}[shared_cache]
    with instance():
        caches["default"].set("written-by", "instance A")
    with instance():
        assert caches["default"].get("written-by") == "instance A"


def test_the_verify_rate_limit_counts_lookups_on_both_instances(shared_cache, settings):
    settings.SAFEGUARDS_VERIFY_RATE = 3
    # A window far longer than the test, so the lookups cannot straddle two windows.
    settings.SAFEGUARDS_VERIFY_WINDOW_SECONDS = 10**6
    first, second = Client(), Client()
    url = reverse("verify_short", args=["0" * 64])
    statuses = [get(first, url).status_code, get(second, url).status_code]
    statuses += [get(first, url).status_code, get(second, url).status_code]
    assert statuses == [200, 200, 200, 429]
    assert get(first, url).status_code == 429  # the address's window is used up everywhere
    assert any("ratelimit:" in key for key in stored_keys(shared_cache))


def stored_keys(kind: str) -> list[str]:
    """The keys as the cache server holds them, read past Django's cache API."""
    if kind == "redis":
        server = redis.Redis.from_url(caches["default"]._servers[0])
        try:
            return [key.decode() for key in server.keys("*")]
        finally:
            server.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM safeguards_test_cache")
        return [row[0] for row in cursor.fetchall()]


def test_a_session_made_on_one_instance_is_valid_on_the_other(shared_cache, alice):
    first, second = Client(), Client()
    response = post(first, reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    second.cookies["sessionid"] = first.cookies["sessionid"].value
    page = get(second, reverse("home"))
    assert page.status_code == 200
    assert b"Welcome, alice" in page.content
    # Signed out on the second instance: the first one no longer knows the session either.
    post(second, reverse("logout"), {})
    assert "/accounts/login/" in get(first, reverse("home")).headers["Location"]


def test_failed_sign_ins_on_both_instances_lock_the_account_everywhere(
    shared_cache, alice, settings
):
    settings.AXES_FAILURE_LIMIT = 4
    first, second = Client(), Client()
    wrong = {"username": "alice", "password": "wrong"}
    statuses = [post(client, reverse("login"), wrong).status_code for client in (first, second)]
    statuses += [post(client, reverse("login"), wrong).status_code for client in (first, second)]
    assert statuses == [200, 200, 200, 429]
    # Locked on the instance that saw only half of the failures, even with the right password.
    right = post(first, reverse("login"), {"username": "alice", "password": PASSWORD})
    assert right.status_code == 429
    assert b"Sign-in paused" in right.content


def test_rendered_fragments_stay_in_each_process_and_follow_changes(
    shared_cache, client_for, alice, office
):
    """Guides, category-page rows and overview parts are keyed by what they show, so each
    process keeps its own (`safeguards.fragments`): none goes to the shared cache, and a change
    saved on another instance shows at once though this process still holds the old parts."""
    version = make_framework(categories=1, per_category=2)
    draft = make_assessment(make_deployment(office, alice), version, alice, answers={})
    client = client_for(alice)
    overview = reverse("reviews:assessment", args=[draft.pk])
    category = reverse("reviews:assessment_category", args=[draft.pk, "C1"])
    assert NEXT in get(client, overview).content.decode()
    assert get(client, category).status_code == 200
    assert len(fragments._cache) >= 3  # this process holds the guides, rows and overview parts
    assert stored_keys(shared_cache) == []

    # Another instance saves both answers, as its save does: new versions, a new time.
    Answer.objects.filter(assessment=draft).update(
        status="met", rationale="Seen in the contract.", version=F("version") + 1,
        updated_at=timezone.now(),
    )  # fmt: skip
    text = get(client, overview).content.decode()
    assert NEXT not in text
    assert "Seen in the contract." in get(client, category).content.decode()
    assert stored_keys(shared_cache) == []

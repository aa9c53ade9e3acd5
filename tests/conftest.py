"""Shared fixtures: one office with a person in each role, and an outsider in another office."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from safeguards.accounts.models import Membership, Office, Role
from safeguards.fragments import fragments


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Hashing strength is not under test; MD5 keeps user creation instant.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    # A fresh cache per test, as a fresh database: the verify pages' rate limit counts requests
    # per address in it, and one worker's earlier tests would otherwise use up the window.
    cache.clear()
    fragments.clear()
    yield
    cache.clear()
    fragments.clear()


@pytest.fixture(autouse=True)
def signing_keys_in_tmp(settings, tmp_path_factory):
    # Key files have random names, so one folder per test worker serves every test.
    settings.SIGNING_KEYS_DIR = tmp_path_factory.getbasetemp() / "signing-keys"


@pytest.fixture
def office(db):
    return Office.objects.create(slug="oig", name="Office of Inspector General")


@pytest.fixture
def other_office(db):
    return Office.objects.create(slug="elsewhere", name="Another Oversight Board")


def make_member(office, username, role):
    user = get_user_model().objects.create_user(username, password="correct horse battery")
    Membership.objects.create(office=office, user=user, role=role)
    return user


@pytest.fixture
def alice(office):
    """A reviewer."""
    return make_member(office, "alice", Role.REVIEWER)


@pytest.fixture
def bob(office):
    """An approver in alice's office."""
    return make_member(office, "bob", Role.APPROVER)


@pytest.fixture
def victor(office):
    """A viewer in alice's office."""
    return make_member(office, "victor", Role.VIEWER)


@pytest.fixture
def olga(office):
    """An office admin in alice's office."""
    return make_member(office, "olga", Role.ADMIN)


@pytest.fixture
def mallory(other_office):
    """A reviewer in another office."""
    return make_member(other_office, "mallory", Role.REVIEWER)


@pytest.fixture
def client_for(client):
    """Log a client in as a user: `client_for(alice).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def transactional_db(transactional_db, django_db_blocker):
    """Tests that commit (live server, concurrency) end with a flush, which deletes rows;
    the append-only triggers forbid that, so lift them just for the clean-up."""
    yield transactional_db
    from django.db import connection

    from safeguards.audit import triggers

    with django_db_blocker.unblock():
        triggers.uninstall(connection)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event")
        triggers.install(connection)

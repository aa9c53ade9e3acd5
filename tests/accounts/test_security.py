import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from safeguards import settings as app_settings

ROOT = Path(__file__).resolve().parents[2]


def fail_login(client, username, times):
    response = None
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    return response


def test_lockout_after_five_failures(client, alice, settings):
    assert fail_login(client, "alice", 4).status_code == 200
    locked = fail_login(client, "alice", 1)
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    # The right password does not get through while locked.
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 429


def test_lockout_does_not_reveal_whether_the_account_exists(client, alice):
    real = fail_login(client, "alice", 5)
    ghost = fail_login(client, "no-such-person", 5)
    assert real.status_code == ghost.status_code == 429
    assert real.content.replace(b"alice", b"X") == ghost.content.replace(b"no-such-person", b"X")


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_session_cookie_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_pushes_the_session_expiry_forward(client, alice, settings):
    settings.SESSION_REFRESH_SECONDS = 0
    client.force_login(alice)
    client.get(reverse("home"))
    first = session_expiry(client)
    client.get(reverse("home"))
    assert session_expiry(client) > first


def test_pages_within_the_refresh_window_do_not_rewrite_the_session(client, alice, settings):
    settings.SESSION_REFRESH_SECONDS = 300
    client.force_login(alice)
    client.get(reverse("home"))
    first = session_expiry(client)
    client.get(reverse("home"))
    assert session_expiry(client) == first


def test_session_ends_after_inactivity(client, alice):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(alice)
    client.get(reverse("home"))
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_deploy_check_passes_with_https_settings(tmp_path):
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "SAFEGUARDS_HTTPS": "1",
        "SAFEGUARDS_SECRET_KEY": "k" * 20 + "-a-long-random-production-key-0123456789",
        "SAFEGUARDS_ALLOWED_HOSTS": "safeguards.example.gov",
        "SAFEGUARDS_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_still_works_without_https_setting(client, alice):
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200


def test_passwords_are_hashed_with_argon2_and_older_hashes_upgraded(client, alice, settings):
    # The app's own hashers (the suite's MD5 fixture only keeps user creation fast).
    settings.PASSWORD_HASHERS = app_settings.PASSWORD_HASHERS
    alice.password = make_password("correct horse battery", hasher="pbkdf2_sha256")
    alice.save(update_fields=["password"])
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$argon2id$")
    assert alice.check_password("correct horse battery")

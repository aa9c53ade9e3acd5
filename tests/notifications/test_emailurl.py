import pytest

from safeguards.notifications.emailurl import CONSOLE_BACKEND, SMTP_BACKEND, email_settings


@pytest.mark.parametrize(
    "url, expected",
    [
        ("console:", {"EMAIL_BACKEND": CONSOLE_BACKEND}),
        ("", {"EMAIL_BACKEND": CONSOLE_BACKEND}),
        (
            "smtp://user:p%40ss@mail.example.gov:587",
            {
                "EMAIL_BACKEND": SMTP_BACKEND,
                "EMAIL_HOST": "mail.example.gov",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "user",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
                "EMAIL_TIMEOUT": 10,
            },
        ),
        (
            "smtp://relay.internal?starttls=0&timeout=3",
            {
                "EMAIL_BACKEND": SMTP_BACKEND,
                "EMAIL_HOST": "relay.internal",
                "EMAIL_PORT": 25,
                "EMAIL_HOST_USER": "",
                "EMAIL_HOST_PASSWORD": "",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
                "EMAIL_TIMEOUT": 3,
            },
        ),
        (
            "smtps://a:b@mail.example.gov",
            {
                "EMAIL_BACKEND": SMTP_BACKEND,
                "EMAIL_HOST": "mail.example.gov",
                "EMAIL_PORT": 465,
                "EMAIL_HOST_USER": "a",
                "EMAIL_HOST_PASSWORD": "b",
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": True,
                "EMAIL_TIMEOUT": 10,
            },
        ),
    ],
)
def test_mail_url_becomes_django_settings(url, expected):
    assert email_settings(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.gov", "smtp://", "sendmail:"])
def test_a_bad_mail_url_is_refused_with_a_reason(url):
    with pytest.raises(ValueError, match="SAFEGUARDS_EMAIL_URL"):
        email_settings(url)

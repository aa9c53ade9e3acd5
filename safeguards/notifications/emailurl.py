"""`SAFEGUARDS_EMAIL_URL` to Django's e-mail settings: one variable for the whole mail set-up.

console:                              print e-mails on the console (the default)
smtp://user:pass@host:587             SMTP; STARTTLS on port 587, or with ?starttls=1
smtps://user:pass@host:465            SMTP over TLS from the first byte
smtp://host:25?starttls=0&timeout=10  plain SMTP (a relay on the local network)
"""

from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_TIMEOUT = 10  # seconds; a hung server must not hold a request for long


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def email_settings(url: str) -> dict:
    """The EMAIL_* settings for a mail URL. Raises ValueError naming what is wrong."""
    url = (url or "console:").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme not in {"smtp", "smtps"}:
        raise ValueError(
            f"SAFEGUARDS_EMAIL_URL must start with smtp://, smtps:// or console:, not {scheme!r}"
        )
    if not parts.hostname:
        raise ValueError("SAFEGUARDS_EMAIL_URL names no host (smtp://user:pass@host:587)")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    port = parts.port or (465 if scheme == "smtps" else 25)
    starttls = scheme == "smtp" and _flag(query.get("starttls", "1" if port == 587 else "0"))
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_TIMEOUT": int(query.get("timeout", DEFAULT_TIMEOUT)),
    }

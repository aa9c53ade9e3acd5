import pytest

from safeguards.notifications.emailurl import email_settings
from tests.smtp import PASSWORD, USER, free_port, smtp_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, configured through the mail URL with a login."""
    with smtp_server() as (inbox, port):
        for name, value in email_settings(
            f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}?timeout=5"
        ).items():
            setattr(settings, name, value)
        yield inbox


@pytest.fixture
def smtp_down(settings):
    """The mail URL names a port nothing listens on."""
    for name, value in email_settings(f"smtp://127.0.0.1:{free_port()}?timeout=2").items():
        setattr(settings, name, value)

"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), keeping what it receives."""

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "safeguards-mailer", "smtp-secret-9f2c"


class Inbox:
    def __init__(self):
        self.messages = []  # (envelope recipients, parsed message)
        self.raw = []  # the bytes as received
        self.logins = 0

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.raw.append(envelope.original_content)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        self.logins += int(ok)
        return AuthResult(success=ok)

    def to(self, address: str) -> list:
        return [message for rcpts, message in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server():
    """(inbox, port) of a running server that requires the login USER/PASSWORD (over plain
    SMTP: it is local); stopped on leaving, also on failure."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()

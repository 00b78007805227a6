"""The email adapter: Flask-Mail over SMTP, one connection per batch, our Message-IDs.

Nothing here knows about reminders. Callers build `Email`s, open a `MailSession` for a
batch and send through it; any failure to talk to the mail server is raised as
`MailError`, so the caller can put what was not sent back in the queue.
"""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass
from email.utils import make_msgid
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Connection, Message


class MailError(RuntimeError):
    """The mail server could not be reached or refused a message."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    headers: dict[str, str]


def new_message_id() -> str:
    """A Message-ID in our own domain (BASE_URL's host), so replies and logs trace back."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return make_msgid(domain=host)


class _TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server cannot hang a sweep."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        state = self.mail
        timeout = current_app.config.get("MAIL_TIMEOUT", 30)
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if state.use_ssl:
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=timeout)
        host.set_debuglevel(int(state.debug))
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


_FAILURES = (smtplib.SMTPException, OSError, socket.timeout)


class MailSession:
    """One SMTP connection for a batch of emails: `with MailSession() as s: s.send(e)`."""

    def __init__(self) -> None:
        self._connection: _TimeoutConnection | None = None

    def __enter__(self) -> Self:
        connection = _TimeoutConnection(current_app.extensions["mail"])
        try:
            connection.__enter__()
        except _FAILURES as error:
            raise MailError(_describe(error)) from error
        self._connection = connection
        return self

    def send(self, email: Email) -> None:
        assert self._connection is not None, "use MailSession as a context manager"
        message = Message(
            subject=email.subject,
            recipients=[email.to],
            body=email.text,
            html=email.html,
            extra_headers=email.headers,
        )
        message.msgId = email.message_id
        try:
            self._connection.send(message)
        except _FAILURES as error:
            raise MailError(_describe(error)) from error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None or connection.host is None:
            return
        try:
            connection.host.quit()
        except _FAILURES:
            # Everything sent was already accepted; a failed goodbye changes nothing.
            connection.host.close()


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:1000]

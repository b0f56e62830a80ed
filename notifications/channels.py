"""Where a message leaves the portal. Rules and digests never know how: they hand a message
to each channel of ``settings.NOTIFICATION_CHANNELS`` (dotted paths). E-mail is the one built
in; an SMS or Zalo provider is one more class with the same ``send``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str = ""


class Channel(Protocol):
    name: str

    def send(self, *, user, message: Message) -> bool:
        """Deliver to ``user``; False when the user cannot be reached this way."""
        ...


class EmailChannel:
    """Django's e-mail backend: the console in development, SMTP in production."""

    name = "email"

    def send(self, *, user, message: Message) -> bool:
        if not user.email:
            return False
        mail = EmailMultiAlternatives(message.subject, message.text, to=[user.email])
        if message.html:
            mail.attach_alternative(message.html, "text/html")
        mail.send()
        return True


@cache
def _load(path: str) -> Channel:
    return import_string(path)()


def channels() -> list[Channel]:
    return [_load(path) for path in settings.NOTIFICATION_CHANNELS]


def deliver(*, user, message: Message) -> list[str]:
    """Send through every channel; the names of those that reached the user."""
    return [c.name for c in channels() if c.send(user=user, message=message)]

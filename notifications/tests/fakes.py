"""The one fake: a channel at the edge, recording what it was handed."""

from __future__ import annotations


class FakeChannel:
    name = "fake"
    sent: list = []

    def send(self, *, user, message) -> bool:
        FakeChannel.sent.append((user.username, message))
        return True

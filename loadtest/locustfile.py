"""The load scenario of `make loadtest`: team leaders posting visits from their phones,
area officers browsing lists, province officers opening dashboards.

Accounts and their data come from loadtest/run.py (it writes ``LOADTEST_ACCOUNTS``, a JSON
file: leader tokens with their households, officer and province logins with TOTP secrets)."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"]).read())  # noqa: SIM115
PASSWORD = ACCOUNTS["password"]
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_leaders = itertools.cycle(ACCOUNTS["leaders"])
_officers = itertools.cycle(ACCOUNTS["officers"])
_province = iter(ACCOUNTS["province"])
# How many of each kind, when the run asks for exact numbers (``make bench``: 200 leaders
# syncing while 20 officers browse); otherwise the weights share the users out.
FIXED = ACCOUNTS.get("fixed", {})


def totp(secret: str) -> str:
    import base64
    import hashlib
    import hmac
    import struct

    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class SignedIn(HttpUser):
    abstract = True

    def sign_in(self, username: str, secret: str | None = None) -> None:
        page = self.client.get("/accounts/login/", name="sign-in")
        response = self.client.post(
            "/accounts/login/",
            {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page.text)},
            name="sign-in",
        )
        if secret:
            self.client.post(
                "/accounts/2fa/authenticate/",
                {"code": totp(secret), "csrfmiddlewaretoken": csrf(response.text)},
                name="sign-in (code)",
            )


class TeamLeader(HttpUser):
    """A phone posting visits (now and then the same one again, as an outbox does)."""

    weight = 6
    fixed_count = FIXED.get("TeamLeader", 0)
    wait_time = between(1, 3)

    def on_start(self):
        leader = next(_leaders)
        self.client.headers["Authorization"] = f"Token {leader['token']}"
        self.people = leader["people"]
        self.sent: list[dict] = []

    @task
    def record_visit(self):
        if self.sent and random.random() < 0.1:
            body = random.choice(self.sent)
        else:
            household, citizen = random.choice(self.people)
            body = {
                "client_uuid": str(uuid.uuid4()),
                "household": household,
                "visited_on": datetime.datetime.now(VIETNAM).date().isoformat(),
                "assistances": [{"citizen": citizen, "app": "vneid", "outcome": "installed"}],
            }
            self.sent.append(body)
        self.client.post("/api/v1/visits/", json=body, name="POST visit (API)")


class AreaOfficer(SignedIn):
    weight = 3
    fixed_count = FIXED.get("AreaOfficer", 0)
    wait_time = between(2, 5)

    def on_start(self):
        self.sign_in(next(_officers))

    @task(3)
    def households(self):
        self.client.get(f"/households/?page={random.randint(1, 5)}", name="households list")

    @task(2)
    def teams(self):
        self.client.get("/teams/", name="teams list")

    @task(1)
    def members(self):
        # As the page does it: the search is POSTed, the list shown behind a session token.
        self.client.post(
            "/teams/members/",
            {
                "_search": "1",
                "q": "nguyen",
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            headers={"Referer": self.host + "/teams/members/"},
            name="members search",
        )


class ProvinceOfficer(SignedIn):
    weight = 1
    fixed_count = FIXED.get("ProvinceOfficer", 0)
    wait_time = between(3, 8)

    def on_start(self):
        account = next(_province)
        self.sign_in(account["username"], account["secret"])
        self.units = ACCOUNTS["dashboards"]

    @task
    def dashboard(self):
        self.client.get(f"/dashboard/{random.choice(self.units)}/", name="dashboard")

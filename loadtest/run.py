"""`make loadtest`: a bounded headless load (locust) against gunicorn on PostgreSQL.

Works in its own database (DATABASE_URL's name + ``_load``), filled with the demo province at
a quarter of its real size; then team leaders post visits, area officers browse lists and
province officers open dashboards for ``--seconds``; locust prints requests per second,
median and 95th-percentile latency and failures per kind of request.

    python -m loadtest.run [--users 40] [--seconds 60] [--scale quarter]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--scale", default="quarter", choices=["quarter", "half", "province"])
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("make loadtest needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    parts = urlsplit(url)
    load_url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_load"))
    os.environ["DATABASE_URL"] = load_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thainguyen_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.run import recreate_database
    from demo.builders import seed_demo
    from demo.scale import SCALES, seed_scale

    print(f"Preparing {load_url.rsplit('/', 1)[-1]} ({args.scale} scale)…", flush=True)
    recreate_database(load_url)
    call_command("migrate", verbosity=0)
    seed_demo(lambda line: None)
    seed_scale(SCALES[args.scale], lambda line: print("  " + line))
    from dashboards.rollups import rollup_full

    rollup_full()
    accounts = prepare_accounts(args.users)
    returncode, _ = serve_and_load(load_url, accounts, users=args.users, seconds=args.seconds)
    return returncode


def serve_and_load(
    load_url: str, accounts: dict, *, users: int, seconds: int, spawn_rate: int = 10
) -> tuple[int, dict]:
    """gunicorn in production mode on the prepared database, locust against it for
    ``seconds``; returns locust's exit code and its figures (requests, failures, p50, p95 per
    kind of request and in all, from its CSV statistics)."""
    from django.db import connections

    connections.close_all()
    folder = Path(tempfile.mkdtemp())
    accounts_file = folder / "accounts.json"
    accounts_file.write_text(json.dumps(accounts))

    port = 18500 + os.getpid() % 400
    env = {
        **os.environ,
        "DATABASE_URL": load_url,
        "DJANGO_SETTINGS_MODULE": "thainguyen_portal.settings",
        "LOADTEST_ACCOUNTS": str(accounts_file),
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Production mode has secrets of its own (the portal refuses to start without).
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CITIZEN_ID_KEY": secrets.token_urlsafe(40),
        # Many simulated users share a few demo accounts: the per-account limits would be
        # what is measured.
        "API_RATE_ACCOUNT": "1000000/minute",
        "API_RATE_TOKEN": "1000000/minute",
    }
    env.pop("REDIS_URL", None)  # one process per worker: the in-process cache is enough here
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "thainguyen_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--keep-alive",
            "10",  # longer than a simulated user's pause: no reset of an idle connection
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        done = subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
                "--stop-timeout",
                "5",
                "--csv",
                str(folder / "load"),
            ],
            cwd=ROOT,
            env=env,
        )
    finally:
        stop_server(server)
    return done.returncode, read_stats(folder / "load_stats.csv")


def stop_server(server: subprocess.Popen, grace: float = 30) -> None:
    """Stop gunicorn: gracefully, then for good if its workers are still busy after ``grace``
    seconds (a load leaves requests queued for longer than gunicorn's own grace period)."""
    server.terminate()
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=grace)


def read_stats(path: Path) -> dict:
    """Locust's per-request statistics: requests, failures, error rate, p50 and p95 (ms)."""
    import csv

    def number(text: str) -> float:
        try:
            return float(text)
        except ValueError:  # "N/A": a kind of request that got no answer
            return 0.0

    if not path.exists():
        return {}
    figures = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            failures = int(row["Failure Count"])
            figures[row["Name"]] = {
                "requests": requests,
                "failures": failures,
                "error_rate": failures / requests if requests else 0.0,
                "p50_ms": number(row["50%"]),
                "p95_ms": number(row["95%"]),
                "requests_per_s": number(row["Requests/s"]),
            }
    return figures


def prepare_accounts(users: int, fixed: dict[str, int] | None = None) -> dict:
    """Tokens for the demo team leaders (with households to visit), the area officers, and
    one province officer per simulated one (each with its own authenticator secret).
    ``fixed``: exact numbers of simulated users per kind (locust's ``fixed_count``)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import Role
    from accounts.services import user_create
    from areas.models import AdministrativeUnit, Level
    from benchmarks.run import leaders_and_work
    from demo.builders import DEMO_PASSWORD

    leaders = [{"token": token, "people": people} for token, people in leaders_and_work()]
    province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE)
    secrets = []
    for n in range(users):
        username = f"tinh-load-{n}"
        user = user_create(
            actor=None,
            username=username,
            name=f"Cán bộ tỉnh {n}",
            role=Role.PROVINCE_OFFICER,
            scope_unit=province,
            password=DEMO_PASSWORD,
        )
        secret = base64.b32encode(f"loadtest-user-{n:06d}".encode()).decode()  # 20 bytes
        TOTP.activate(user, secret)
        secrets.append({"username": username, "secret": secret})
    dashboards = [
        province.pk,
        *AdministrativeUnit.objects.current()
        .filter(level__in=[Level.DISTRICT, Level.COMMUNE])
        .values_list("pk", flat=True)[:40],
    ]
    return {
        "password": DEMO_PASSWORD,
        "leaders": leaders,
        "officers": ["daitu", "chochu"],
        "province": secrets,
        "dashboards": dashboards,
        "fixed": fixed or {},
    }


if __name__ == "__main__":
    sys.exit(main())

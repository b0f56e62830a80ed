"""`make bench`: measure the roll-ups, the dashboard and the visits API at a quarter, a half
and the whole of the province, each figure against a baseline measured in the same run.

Needs PostgreSQL (``DATABASE_URL``). Works in its own database (the given one's name plus
``_bench``), re-created for each scale, so the data behind DATABASE_URL is never touched.
Prints a table and writes the same figures as JSON (``--out``).

    python -m benchmarks.run [--scales quarter,half,province] [--runs 3] [--out var/bench.json]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import io
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
NEW_ASSISTANCES = 5_000
HAMLETS_PER_DAY = 250  # a day's work: about one team in ten goes out
IMPORT_ROWS = 20_000  # a district's household list


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- the database ------------------------------------------------------------------------


def bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def recreate_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "teams": "teams_team",
        "members": "teams_teammember",
        "households": "citizens_household",
        "citizens": "citizens_citizen",
        "visits": "citizens_visit",
        "assistances": "citizens_assistance",
        "trainees": "training_trainee",
    }
    found = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            found[name] = cursor.fetchone()[0]
    return found


# --- roll-ups ---------------------------------------------------------------------------

FLOOR_QUERIES = [
    # The same aggregates per hamlet, as plain GROUP BY queries over the same tables, with
    # nothing stored and nothing added up the hierarchy: the least any roll-up can cost.
    "SELECT t.hamlet_id, COUNT(*) FROM teams_team t WHERE t.status = 'active' GROUP BY 1",
    "SELECT t.hamlet_id, COUNT(*) FROM teams_teammember m JOIN teams_team t ON t.id = m.team_id "
    "WHERE t.status = 'active' AND m.left_on IS NULL GROUP BY 1",
    "SELECT hamlet_id, COUNT(*), SUM(member_count), SUM(smartphone_count) "
    "FROM citizens_household GROUP BY 1",
    "SELECT h.hamlet_id, COUNT(*) FROM citizens_citizen c "
    "JOIN citizens_household h ON h.id = c.household_id GROUP BY 1",
    "SELECT h.hamlet_id, COUNT(*), COUNT(DISTINCT v.household_id) FROM citizens_visit v "
    "JOIN citizens_household h ON h.id = v.household_id GROUP BY 1",
    "SELECT h.hamlet_id, COUNT(DISTINCT s.citizen_id) FROM citizens_assistance s "
    "JOIN citizens_citizen c ON c.id = s.citizen_id "
    "JOIN citizens_household h ON h.id = c.household_id GROUP BY 1",
    "SELECT h.hamlet_id, s.app_id, s.outcome_id, COUNT(DISTINCT s.citizen_id) "
    "FROM citizens_assistance s JOIN citizens_citizen c ON c.id = s.citizen_id "
    "JOIN citizens_household h ON h.id = c.household_id GROUP BY 1, 2, 3",
    "SELECT unit_id, COUNT(*), COUNT(completed_on) FROM training_trainee GROUP BY 1",
    *(
        f"SELECT h.hamlet_id, {trunc}, COUNT(*), COUNT(DISTINCT v.household_id) "
        "FROM citizens_visit v JOIN citizens_household h ON h.id = v.household_id GROUP BY 1, 2"
        for trunc in (
            "v.visited_on",
            "date_trunc('week', v.visited_on)",
            "date_trunc('month', v.visited_on)",
        )
    ),
    *(
        f"SELECT h.hamlet_id, {trunc}, COUNT(*), COUNT(DISTINCT s.citizen_id) "
        "FROM citizens_assistance s JOIN citizens_visit v ON v.id = s.visit_id "
        "JOIN citizens_citizen c ON c.id = s.citizen_id "
        "JOIN citizens_household h ON h.id = c.household_id GROUP BY 1, 2"
        for trunc in (
            "v.visited_on",
            "date_trunc('week', v.visited_on)",
            "date_trunc('month', v.visited_on)",
        )
    ),
]


def floor() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for query in FLOOR_QUERIES:
            cursor.execute(query)
            cursor.fetchall()


def add_assistances(rng: random.Random, hamlets: list[int] | None, day: datetime.date) -> int:
    """5,000 new assistances on one day, as teams would record them (visits first), written
    through the ordinary tables so the change-mark triggers see them."""
    from django.db import connection, transaction

    from accounts.models import User

    recorder = User.objects.get(username="nhap-lieu-tinh").pk
    with transaction.atomic(), connection.cursor() as cursor:
        if hamlets is None:
            cursor.execute("SELECT MAX(id) FROM citizens_citizen")
            top = cursor.fetchone()[0]
            chosen = rng.sample(range(1, top + 1), NEW_ASSISTANCES)
            cursor.execute(
                "SELECT id, household_id FROM citizens_citizen WHERE id = ANY(%s)", [chosen]
            )
        else:
            cursor.execute(
                "SELECT c.id, c.household_id FROM citizens_citizen c "
                "JOIN citizens_household h ON h.id = c.household_id WHERE h.hamlet_id = ANY(%s) "
                "ORDER BY c.id",
                [hamlets],
            )
        people = cursor.fetchall()
        people = rng.sample(people, min(NEW_ASSISTANCES, len(people)))
        cursor.execute("SELECT id, app_id FROM apps_catalog_outcome")
        outcomes = cursor.fetchall()
        visits: dict[int, int] = {}
        for _, household in people:
            if household not in visits:
                key = uuid.UUID(int=rng.getrandbits(128), version=4)
                cursor.execute(
                    "INSERT INTO citizens_visit (client_uuid, content_digest, household_id, "
                    "recorded_by_id, visited_on, notes, kind, version, created_at, updated_at) "
                    "VALUES (%s, %s, %s, %s, %s, '', 'helped', 1, now(), now()) RETURNING id",
                    [key, hashlib.sha256(key.bytes).hexdigest(), household, recorder, day],
                )
                visits[household] = cursor.fetchone()[0]
        with cursor.copy(
            "COPY citizens_assistance (visit_id, citizen_id, app_id, outcome_id, created_at, "
            "updated_at) FROM STDIN"
        ) as copy:
            now = datetime.datetime.now(datetime.UTC)
            for citizen, household in people:
                outcome, app = rng.choice(outcomes)
                copy.write_row((visits[household], citizen, app, outcome, now, now))
    return len(people)


def measure_rollups(runs: int, rng: random.Random) -> dict:
    from areas.models import AdministrativeUnit, Level
    from dashboards.models import FIGURES, UnitFigures
    from dashboards.rollups import rollup

    full = [timed(lambda: rollup(full=True)) for _ in range(runs)]
    plain = [timed(floor) for _ in range(runs)]
    hamlets = list(
        AdministrativeUnit.objects.filter(level=Level.HAMLET).values_list("pk", flat=True)
    )
    today = datetime.datetime.now(datetime.UTC).date()
    incremental, recomputed = [], []
    for _ in range(runs):
        add_assistances(rng, rng.sample(hamlets, HAMLETS_PER_DAY), today)
        started = time.perf_counter()
        recomputed.append(rollup())
        incremental.append(time.perf_counter() - started)
    add_assistances(rng, None, today)
    spread = timed(rollup)
    after_incremental = list(UnitFigures.objects.order_by("unit_id").values_list(*FIGURES))
    rollup(full=True)
    same = after_incremental == list(UnitFigures.objects.order_by("unit_id").values_list(*FIGURES))
    return {
        "full_rollup_s": median(full),
        "floor_group_by_s": median(plain),
        "full_over_floor": median(full) / median(plain),
        "incremental_5000_in_250_hamlets_s": median(incremental),
        "incremental_units_recomputed": int(median(recomputed)),
        "incremental_over_full": median(incremental) / median(full),
        "incremental_5000_across_province_s": spread,
        "incremental_equals_full": same,
    }


# --- the dashboard ----------------------------------------------------------------------


def measure_dashboard(requests: int = 60) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from areas.models import AdministrativeUnit, Level

    client = Client()
    client.force_login(User.objects.get(username="tinh"))
    province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE)
    commune = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE).first()
    pages = {"province": f"/dashboard/{province.pk}/", "commune": f"/dashboard/{commune.pk}/"}

    def serve(path: str) -> list[float]:
        for _ in range(5):
            assert client.get(path).status_code == 200, path
        return [timed(lambda: client.get(path)) for _ in range(requests)]

    province_times = serve(pages["province"])
    trivial = serve("/bench/noop/")
    queries = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries[name] = len(captured.captured_queries)
    return {
        "dashboard_p50_ms": 1000 * percentile(province_times, 0.5),
        "dashboard_p95_ms": 1000 * percentile(province_times, 0.95),
        "trivial_p50_ms": 1000 * percentile(trivial, 0.5),
        "trivial_p95_ms": 1000 * percentile(trivial, 0.95),
        "dashboard_over_trivial_p50": percentile(province_times, 0.5) / percentile(trivial, 0.5),
        "queries_province_page": queries["province"],
        "queries_commune_page": queries["commune"],
    }


# --- the visits API under a WSGI server ----------------------------------------------------


def leaders_and_work() -> list[tuple[str, list[tuple[int, int]]]]:
    """Each demo team leader's token and the households (with one citizen) they may visit."""
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from citizens.models import Citizen

    work = []
    for user in User.objects.filter(role=Role.TEAM_LEADER, is_active=True).select_related(
        "scope_unit"
    ):
        people = list(
            Citizen.objects.filter(household__hamlet=user.scope_unit)
            .order_by("household_id", "pk")
            .distinct("household_id")
            .values_list("household_id", "pk")[:200]
        )
        if people:
            token, _ = Token.objects.get_or_create(user=user)
            work.append((token.key, people))
    return work


def load(port: int, seconds: float, clients: int, make_request) -> dict:
    """``clients`` threads, each on one keep-alive connection, for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(number: int) -> None:
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], {}
        while time.perf_counter() < stop:
            method, path, body, headers = make_request(number, rng)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    return {
        "requests_per_s": ok / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
    }


def measure_api(seconds: float, clients: int, database_url: str) -> dict:
    from django.db import connection

    from loadtest.run import stop_server

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_ping (id bigserial, at timestamptz)")
    work = leaders_and_work()
    port = 18000 + os.getpid() % 1000
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        # Production mode has secrets of its own (the portal refuses to start without).
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CITIZEN_ID_KEY": secrets.token_urlsafe(40),
        # Throughput is what is measured here, not the per-account limits.
        "API_RATE_ACCOUNT": "1000000/minute",
        "API_RATE_TOKEN": "1000000/minute",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "thainguyen_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/bench/noop/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        sent: dict[int, list[bytes]] = {}

        def visit(number: int, rng: random.Random):
            token, people = work[number % len(work)]
            earlier = sent.setdefault(number, [])
            if earlier and rng.random() < 0.1:  # a phone sending the same visit again
                body = rng.choice(earlier)
            else:
                household, citizen = rng.choice(people)
                body = json.dumps(
                    {
                        "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "household": household,
                        "visited_on": today,
                        "assistances": [
                            {"citizen": citizen, "app": "vneid", "outcome": "installed"}
                        ],
                    }
                ).encode()
                earlier.append(body)
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            return "POST", "/api/v1/visits/", body, headers

        def insert(number: int, rng: random.Random):
            return "POST", "/bench/insert/", b"", {"Content-Length": "0"}

        visits = load(port, seconds, clients, visit)
        trivial = load(port, seconds, clients, insert)
    finally:
        stop_server(server)
    return {
        "visits_api": visits,
        "trivial_insert": trivial,
        "visits_over_trivial_throughput": visits["requests_per_s"] / trivial["requests_per_s"],
    }


# --- a locust load at full scale ----------------------------------------------------------

LOAD = {"TeamLeader": 200, "AreaOfficer": 10, "ProvinceOfficer": 10}


def measure_load(seconds: int, database_url: str) -> dict:
    """200 team leaders syncing a day's visits while 20 officers browse (lists, dashboards),
    against gunicorn in production mode: p95 and error rate per kind of request."""
    from loadtest.run import prepare_accounts, serve_and_load

    accounts = prepare_accounts(LOAD["ProvinceOfficer"], fixed=LOAD)
    returncode, stats = serve_and_load(
        database_url, accounts, users=sum(LOAD.values()), seconds=seconds, spawn_rate=20
    )
    return {"locust_exit": returncode, "locust": stats}


# --- the run ------------------------------------------------------------------------------


def measure(scale: str, args, database_url: str) -> dict:
    from django.core.management import call_command

    from benchmarks.imports import measure_imports
    from benchmarks.pages import measure_pages
    from demo.builders import seed_demo
    from demo.scale import SCALES, seed_scale

    recreate_database(database_url)
    call_command("migrate", verbosity=0)
    quiet = io.StringIO()
    seed_demo(lambda line: quiet.write(line + "\n"))
    generated = timed(lambda: seed_scale(SCALES[scale], lambda line: print("  " + line)))
    rng = random.Random(f"bench-{scale}")
    figures = {"scale": SCALES[scale], "rows": counts(), "generate_s": generated}
    print(f"  generated in {generated:.1f} s; measuring the roll-ups…", flush=True)
    figures.update(measure_rollups(args.runs, rng))
    print("  the dashboard…", flush=True)
    figures.update(measure_dashboard())
    print("  the home page and the households list…", flush=True)
    figures["pages"] = measure_pages()
    print(f"  a {IMPORT_ROWS:,}-row household import against COPY…", flush=True)
    figures["imports"] = measure_imports(rng, rows=IMPORT_ROWS)
    print("  the visits API…", flush=True)
    figures.update(measure_api(args.api_seconds, args.clients, database_url))
    if scale in args.load_scales.split(","):
        print(f"  a locust load ({sum(LOAD.values())} users, {args.load_seconds} s)…", flush=True)
        figures.update(measure_load(args.load_seconds, database_url))
    return figures


def report(results: dict) -> str:
    lines = []
    for scale, f in results["scales"].items():
        rows = f["rows"]
        lines += [
            f"== {scale} (x{f['scale']}): {rows['households']:,} households, "
            f"{rows['citizens']:,} citizens, {rows['visits']:,} visits, "
            f"{rows['assistances']:,} assistances; generated in {f['generate_s']:.1f} s",
            f"full roll-up             {f['full_rollup_s']:8.2f} s   (median of runs)",
            f"floor: plain GROUP BYs   {f['floor_group_by_s']:8.2f} s   "
            f"full/floor = {f['full_over_floor']:.2f}",
            f"incremental, 5,000 new assistances in {HAMLETS_PER_DAY} hamlets "
            f"{f['incremental_5000_in_250_hamlets_s']:6.2f} s   "
            f"= {f['incremental_over_full']:.3f} of full "
            f"({f['incremental_units_recomputed']} units recomputed)",
            f"incremental, 5,000 spread over the province "
            f"{f['incremental_5000_across_province_s']:6.2f} s",
            f"incremental == full      {f['incremental_equals_full']}",
            f"dashboard (province)     p50 {f['dashboard_p50_ms']:7.1f} ms  "
            f"p95 {f['dashboard_p95_ms']:7.1f} ms",
            f"trivial view             p50 {f['trivial_p50_ms']:7.1f} ms  "
            f"p95 {f['trivial_p95_ms']:7.1f} ms   "
            f"dashboard/trivial = {f['dashboard_over_trivial_p50']:.1f}",
            f"queries per page         province {f['queries_province_page']}, "
            f"commune {f['queries_commune_page']}",
            f"visits API               {f['visits_api']['requests_per_s']:7.1f} req/s  "
            f"p50 {f['visits_api']['p50_ms']:.1f} ms  p95 {f['visits_api']['p95_ms']:.1f} ms  "
            f"statuses {f['visits_api']['statuses']}",
            f"trivial insert view      {f['trivial_insert']['requests_per_s']:7.1f} req/s  "
            f"visits/trivial = {f['visits_over_trivial_throughput']:.2f}",
        ]
        pages = f.get("pages", {})
        noop = pages.get("noop_ms")
        for key, title in (("home_ms", "home page"), ("households_list_ms", "households list")):
            for user, ms in pages.get(key, {}).items():
                ratio = f"   /trivial = {ms / noop:.1f}" if noop else ""
                lines.append(f"{title + ', ' + user:25}p50 {ms:7.1f} ms{ratio}")
        imports = f.get("imports")
        if imports:
            lines.append(
                f"import of {imports['rows']:,} households: read {imports['read_s']:.2f} s, "
                f"plan {imports['plan_s']:.2f} s, apply {imports['apply_s']:.2f} s "
                f"({imports['apply_rows_per_s']:,.0f} rows/s); COPY {imports['copy_s']:.2f} s "
                f"({imports['copy_rows_per_s']:,.0f} rows/s); apply/COPY = "
                f"{imports['apply_over_copy']:.2f}, end to end/COPY = "
                f"{imports['end_to_end_over_copy']:.2f}"
            )
        for name, row in f.get("locust", {}).items():
            lines.append(
                f"locust {name[:28]:28} {row['requests']:7,} req  {row['requests_per_s']:6.1f}/s  "
                f"p50 {row['p50_ms']:6.0f} ms  p95 {row['p95_ms']:6.0f} ms  "
                f"errors {100 * row['error_rate']:.2f} %"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="quarter,half,province")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--api-seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--load-scales", default="province", help="scales with a locust run")
    parser.add_argument("--load-seconds", type=int, default=90)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench.json"))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("make bench needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    database_url = bench_url(url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    os.environ.pop("REDIS_URL", None)  # tasks run in-process; nothing here needs the broker
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the in-process client's host name
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "scales": {},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    for scale in args.scales.split(","):
        print(f"== {scale}", flush=True)
        results["scales"][scale] = measure(scale, args, database_url)
        # Each scale's figures as soon as they are in: a later scale that fails loses none.
        print(report({"scales": {scale: results["scales"][scale]}}), flush=True)
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(report(results))
    print(f"Figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

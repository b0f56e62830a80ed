"""make backup / make restore: a real pg_dump restored into a scratch database has the same
rows, checked by counts and a checksum of key tables."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.consent import CONSENTED

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEY_TABLES = [
    "areas_administrativeunit",
    "teams_team",
    "teams_teammember",
    "citizens_household",
    "citizens_citizen",
    "citizens_visit",
    "citizens_assistance",
    "audit_auditevent",
]


def fingerprint(conn) -> dict[str, tuple[int, str]]:
    """Rows and an md5 of every row (in id order) per table."""
    found = {}
    for table in KEY_TABLES:
        rows = conn.execute(f"SELECT t::text FROM {table} t ORDER BY id").fetchall()
        digest = hashlib.md5("\n".join(r[0] for r in rows).encode()).hexdigest()  # noqa: S324
        found[table] = (len(rows), digest)
    return found


def test_a_backup_restored_into_a_scratch_database_has_the_same_rows(
    require_postgres, tmp_path, tree, leader_a, settings
):
    import datetime

    from apps_catalog.models import App
    from audit.models import AuditEvent
    from citizens.models import Assistance, Citizen, Household, Visit
    from teams.services import member_add, team_create

    team = team_create(hamlet=tree.hamlet_a)
    member_add(team=team, name="Lò Thị Mai", joined_on=datetime.date(2026, 1, 5))
    vneid = App.objects.get(slug="vneid")
    for n in range(5):
        household = Household.objects.create(
            consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name=f"Hà Văn {n}"
        )
        citizen = Citizen.objects.create(household=household, full_name=f"Hà Thị {n}")
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=household,
            recorded_by=leader_a,
            visited_on=datetime.date(2026, 11, n + 1),
        )
        Assistance.objects.create(
            visit=visit, citizen=citizen, app=vneid, outcome=vneid.outcomes.first()
        )
    AuditEvent.objects.create(actor="x", action="read")
    settings.BACKUP_KEY = "a passphrase kept apart from the backups"
    out = StringIO()
    dump = tmp_path / "portal.dump.gpg"
    call_command("backup", str(dump), stdout=out)
    assert dump.stat().st_size > 0 and "Backup written" in out.getvalue()
    # Readable by its owner only, and by nobody without the key.
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    content = dump.read_bytes()
    assert not content.startswith(b"PGDMP") and b"H\xc3\xa0 V\xc4\x83n" not in content
    listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True)
    assert listed.returncode != 0

    db = connection.settings_dict
    host, port = db["HOST"] or "localhost", db["PORT"] or 5432
    base = f"postgresql://{db['USER']}@{host}:{port}"
    scratch = f"restore_check_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        settings.BACKUP_KEY = "not the key"
        with pytest.raises(CommandError, match="BACKUP_KEY does not open this file"):
            call_command("restore", str(dump), "--into", f"{base}/{scratch}", stdout=StringIO())
        with psycopg.connect(f"{base}/{scratch}") as untouched:
            assert untouched.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone() == (0,)
        settings.BACKUP_KEY = "a passphrase kept apart from the backups"
        call_command("restore", str(dump), "--into", f"{base}/{scratch}", stdout=StringIO())
        with psycopg.connect(f"{base}/{scratch}") as restored:
            copy = fingerprint(restored)
        original = fingerprint(connection.connection)
        assert copy == original
        assert copy["citizens_visit"][0] == 5 and copy["audit_auditevent"][0] == 1
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_no_backup_is_written_without_a_key(require_postgres, tmp_path, settings, db):
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", str(tmp_path / "x.dump.gpg"), stdout=StringIO())
    assert not (tmp_path / "x.dump.gpg").exists()

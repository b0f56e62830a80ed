"""A point-in-time recovery drill on a scratch PostgreSQL cluster of its own.

It proves the recovery procedure the README gives for production: WAL archiving and a base
backup let a database be brought back to just before a mistake (a bulk DELETE at 11:02 undone
to 11:01), with everything before it kept and nothing after it.

The drill: initdb with WAL archiving → rows written → pg_basebackup → more rows → the
recovery target noted → a bulk DELETE and later rows → the cluster stopped → the base backup
restored with `restore_command` and `recovery_target_time` → checked: every row written before
the target is there, the deleted ones included, and nothing written after it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BEFORE_BACKUP = 1000  # rows written before the base backup
AFTER_BACKUP = 500  # rows written after it, before the target: replayed from the archive
AFTER_TARGET = 50  # rows written after the DELETE: must not come back


class DrillError(RuntimeError):
    pass


@dataclass
class DrillResult:
    target: str
    rows_before_delete: int
    rows_after_delete: int
    recovered_rows: int
    later_rows_recovered: int
    seconds: float

    @property
    def exact(self) -> bool:
        return (
            self.recovered_rows == BEFORE_BACKUP + AFTER_BACKUP
            and self.later_rows_recovered == 0
            and self.rows_after_delete == AFTER_TARGET
        )


def server_binaries() -> Path:
    """The folder of initdb, pg_ctl, pg_basebackup (Debian keeps them out of PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    raise DrillError("PostgreSQL's server programs (initdb, pg_ctl) are not installed.")


class _Cluster:
    """Runs the PostgreSQL programs, as the unprivileged "postgres" user when we are root
    (PostgreSQL refuses to run as root)."""

    def __init__(self, workdir: Path) -> None:
        self.bin = server_binaries()
        self.workdir = workdir
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise DrillError("Running as root and no 'postgres' user to run as.") from exc
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, program: str, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [*self.as_user, str(self.bin / program), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.workdir,
        )
        if check and done.returncode:
            raise DrillError(f"{program} {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def sql(self, port: int, statement: str) -> str:
        return self.run(
            "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-h",
            str(self.workdir),
            "-p",
            str(port),
            "-U",
            "drill",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            statement,
        )

    def start(self, data: Path, port: int) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(data / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port}",
            "start",
        )

    def stop(self, data: Path) -> None:
        self.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False)


def drill(workdir: Path, *, port: int = 55432, log=print) -> DrillResult:
    """Run the drill in ``workdir`` (emptied first); returns what was recovered."""
    started = time.monotonic()
    if workdir.exists():
        shutil.rmtree(workdir)
    for sub in ("archive",):
        (workdir / sub).mkdir(parents=True)
    primary, base, recovered = workdir / "primary", workdir / "base", workdir / "recovered"
    cluster = _Cluster(workdir)
    archive = workdir / "archive"

    log("1. A scratch cluster with WAL archiving.")
    cluster.run("initdb", "-D", str(primary), "-U", "drill", "--auth=trust", "-E", "UTF8")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(
            f"\nlisten_addresses = ''\nunix_socket_directories = '{workdir}'\n"
            "wal_level = replica\narchive_mode = on\n"
            f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
        )
    cluster.start(primary, port)
    try:
        cluster.sql(
            port,
            "CREATE TABLE households (id bigserial PRIMARY KEY, head_name text NOT NULL, "
            "phase text NOT NULL)",
        )
        cluster.sql(
            port,
            "INSERT INTO households (head_name, phase) "
            f"SELECT 'Chủ hộ ' || n, 'before backup' FROM generate_series(1, {BEFORE_BACKUP}) n",
        )
        log("2. A base backup.")
        cluster.run(
            "pg_basebackup",
            "-h",
            str(workdir),
            "-p",
            str(port),
            "-U",
            "drill",
            "-D",
            str(base),
            "-X",
            "stream",
            "--checkpoint=fast",
        )
        cluster.sql(
            port,
            "INSERT INTO households (head_name, phase) "
            f"SELECT 'Chủ hộ ' || n, 'after backup' FROM generate_series(1, {AFTER_BACKUP}) n",
        )
        before_delete = int(cluster.sql(port, "SELECT count(*) FROM households"))
        cluster.sql(port, "SELECT pg_sleep(0.2)")
        target = cluster.sql(port, "SELECT clock_timestamp()::text")
        cluster.sql(port, "SELECT pg_sleep(0.2)")
        log(f"3. The mistake after {target}: a bulk DELETE, then more work.")
        cluster.sql(port, "DELETE FROM households")
        cluster.sql(
            port,
            "INSERT INTO households (head_name, phase) "
            f"SELECT 'Chủ hộ ' || n, 'after target' FROM generate_series(1, {AFTER_TARGET}) n",
        )
        after_delete = int(cluster.sql(port, "SELECT count(*) FROM households"))
        segment = cluster.sql(port, "SELECT pg_walfile_name(pg_current_wal_lsn())")
        cluster.sql(port, "SELECT pg_switch_wal()")
        deadline = time.monotonic() + 60
        while not (archive / segment).exists():
            if time.monotonic() > deadline:
                raise DrillError(f"WAL segment {segment} was not archived within 60 s")
            time.sleep(0.2)
    finally:
        cluster.stop(primary)

    log("4. The base backup restored to just before the mistake.")
    shutil.copytree(base, recovered)
    with (recovered / "postgresql.auto.conf").open("a") as conf:
        conf.write(
            f"\nrestore_command = 'cp {archive}/%f %p'\n"
            f"recovery_target_time = '{target}'\n"
            "recovery_target_action = 'promote'\n"
            "archive_mode = off\n"
        )
    (recovered / "recovery.signal").touch()
    cluster = _Cluster(workdir)  # ownership of the copied files
    cluster.start(recovered, port + 1)
    try:
        deadline = time.monotonic() + 60
        while cluster.sql(port + 1, "SELECT pg_is_in_recovery()") == "t":
            if time.monotonic() > deadline:
                raise DrillError("the recovered cluster did not finish recovery within 60 s")
            time.sleep(0.2)
        recovered_rows = int(cluster.sql(port + 1, "SELECT count(*) FROM households"))
        later = int(
            cluster.sql(port + 1, "SELECT count(*) FROM households WHERE phase = 'after target'")
        )
    finally:
        cluster.stop(recovered)
    result = DrillResult(
        target=target,
        rows_before_delete=before_delete,
        rows_after_delete=after_delete,
        recovered_rows=recovered_rows,
        later_rows_recovered=later,
        seconds=time.monotonic() - started,
    )
    verdict = "Exact." if result.exact else "NOT EXACT."
    log(
        f"5. Recovered {recovered_rows} rows (expected {BEFORE_BACKUP + AFTER_BACKUP}); rows "
        f"written after the target: {later} (expected 0). {verdict}"
    )
    return result

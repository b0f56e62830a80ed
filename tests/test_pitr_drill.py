"""Recovery to a point in time, drilled for real: a scratch PostgreSQL cluster with WAL
archiving brought back to just before a bulk DELETE (core/pitr.py, `make pitr-drill`)."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest

from conftest import service_missing
from core.pitr import AFTER_BACKUP, AFTER_TARGET, BEFORE_BACKUP, DrillError, drill, server_binaries

pytestmark = pytest.mark.postgres


def free_port_pair() -> int:
    for port in range(56000, 56400, 2):
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no free ports")


def test_a_bulk_delete_is_undone_to_the_moment_before_it_and_later_work_is_not_replayed():
    try:
        server_binaries()
    except DrillError as error:
        service_missing(str(error))
    workdir = Path(tempfile.mkdtemp(prefix="pitr-test-"))
    result = drill(workdir, port=free_port_pair(), log=lambda line: None)
    assert result.rows_before_delete == BEFORE_BACKUP + AFTER_BACKUP
    assert result.rows_after_delete == AFTER_TARGET  # the mistake happened
    assert result.recovered_rows == BEFORE_BACKUP + AFTER_BACKUP  # and was undone
    assert result.later_rows_recovered == 0  # nothing after the target came back
    assert result.exact

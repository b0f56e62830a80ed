"""Database triggers that record which units and days a change to the facts touches.

Every write path (the services, the admin, imports, raw SQL, a bulk load) goes through the
database, so marks written by triggers cannot be forgotten the way signals or service calls
can. The incremental roll-up reads the marks and recomputes only those units and periods.

Each entry is a table and the statements that mark it; ``{row}`` becomes OLD for the row
before a change and NEW for the row after it. One source makes both the PostgreSQL and the
SQLite triggers.
"""

from __future__ import annotations

MARKS = "dashboards_changemark"

_INSERT = f"INSERT INTO {MARKS} (unit_id, day) "

TRIGGERS: dict[str, list[str]] = {
    "citizens_visit": [
        _INSERT + "SELECT h.hamlet_id, {row}.visited_on FROM citizens_household h "
        "WHERE h.id = {row}.household_id",
    ],
    "citizens_assistance": [
        # Assistance figures belong to the citizen's hamlet, on the day of the visit.
        _INSERT + "SELECT h.hamlet_id, (SELECT v.visited_on FROM citizens_visit v "
        "WHERE v.id = {row}.visit_id) FROM citizens_citizen c "
        "JOIN citizens_household h ON h.id = c.household_id WHERE c.id = {row}.citizen_id",
    ],
    "citizens_citizen": [
        _INSERT + "SELECT h.hamlet_id, NULL FROM citizens_household h "
        "WHERE h.id = {row}.household_id",
        # A citizen moving household takes their assistance history along.
        _INSERT + "SELECT DISTINCT h.hamlet_id, v.visited_on FROM citizens_assistance s "
        "JOIN citizens_visit v ON v.id = s.visit_id "
        "JOIN citizens_household h ON h.id = {row}.household_id "
        "WHERE s.citizen_id = {row}.id",
    ],
    "citizens_household": [
        _INSERT + "VALUES ({row}.hamlet_id, NULL)",
        # A household moving hamlet takes its visits and its people's assistances along.
        _INSERT + "SELECT DISTINCT {row}.hamlet_id, v.visited_on FROM citizens_visit v "
        "WHERE v.household_id = {row}.id",
        _INSERT + "SELECT DISTINCT {row}.hamlet_id, v.visited_on FROM citizens_citizen c "
        "JOIN citizens_assistance s ON s.citizen_id = c.id "
        "JOIN citizens_visit v ON v.id = s.visit_id WHERE c.household_id = {row}.id",
    ],
    "teams_team": [_INSERT + "VALUES ({row}.hamlet_id, NULL)"],
    "teams_teammember": [
        _INSERT + "SELECT t.hamlet_id, NULL FROM teams_team t WHERE t.id = {row}.team_id",
    ],
    "training_trainee": [
        _INSERT + "VALUES ({row}.unit_id, NULL)",
        _INSERT + "SELECT {row}.unit_id, {row}.completed_on WHERE {row}.completed_on IS NOT NULL",
    ],
}

# A new unit needs its (empty) row; a unit moved or removed changes its ancestors' sums:
# the next run recomputes everything (a mark without a unit).
UNITS = "areas_administrativeunit"


def _name(table: str) -> str:
    return f"dash_mark_{table}"


def postgresql_sql() -> list[str]:
    statements = []
    for table, marks in TRIGGERS.items():
        old = "\n".join(f"    {m.format(row='OLD')};" for m in marks)
        new = "\n".join(f"    {m.format(row='NEW')};" for m in marks)
        statements.append(
            f"CREATE OR REPLACE FUNCTION {_name(table)}() RETURNS trigger AS $$\n"
            "BEGIN\n"
            "  IF TG_OP <> 'INSERT' THEN\n"
            f"{old}\n"
            "  END IF;\n"
            "  IF TG_OP <> 'DELETE' THEN\n"
            f"{new}\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$ LANGUAGE plpgsql"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}")
        statements.append(
            f"CREATE TRIGGER {_name(table)} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {_name(table)}()"
        )
    statements.append(
        f"CREATE OR REPLACE FUNCTION {_name(UNITS)}() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "  IF TG_OP = 'INSERT' THEN\n"
        f"    {_INSERT}VALUES (NEW.id, NULL);\n"
        "  ELSIF TG_OP = 'DELETE' OR OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN\n"
        f"    {_INSERT}VALUES (NULL, NULL);\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$ LANGUAGE plpgsql"
    )
    statements.append(f"DROP TRIGGER IF EXISTS {_name(UNITS)} ON {UNITS}")
    statements.append(
        f"CREATE TRIGGER {_name(UNITS)} AFTER INSERT OR UPDATE OR DELETE ON {UNITS} "
        f"FOR EACH ROW EXECUTE FUNCTION {_name(UNITS)}()"
    )
    return statements


def sqlite_sql() -> list[str]:
    statements = []
    for table, marks in TRIGGERS.items():
        for event, rows in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
            body = " ".join(f"{m.format(row=row)};" for row in rows for m in marks)
            name = f"{_name(table)}_{event.lower()}"
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END"
            )
    for event, when, values in (
        ("INSERT", "", "(NEW.id, NULL)"),
        ("DELETE", "", "(NULL, NULL)"),
        ("UPDATE", "WHEN OLD.parent_id IS NOT NEW.parent_id", "(NULL, NULL)"),
    ):
        name = f"{_name(UNITS)}_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {UNITS} FOR EACH ROW {when} "
            f"BEGIN {_INSERT}VALUES {values}; END"
        )
    return statements


def install(connection) -> None:
    """Create (or replace) the triggers on this connection's database."""
    statements = postgresql_sql() if connection.vendor == "postgresql" else sqlite_sql()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)

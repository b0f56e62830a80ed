"""The audit log: who did what, when, from where. Append-only: database triggers refuse any
UPDATE or DELETE of its rows, whatever the code (or a person with the application's database
role) tries; on SQLite, the local default, only UPDATE (see protect_table). No personal data
is written here: pages are named by their route and object id, never by a person's name,
phone or ID number, and query strings are not kept."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TABLE = "audit_auditevent"


class Action(models.TextChoices):
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOGOUT = "logout", _("signed out")
    DENIED = "denied", _("access denied")
    READ = "read", _("read personal data")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    ACCOUNT = "account", _("account changed")
    REVEAL = "reveal", _("full number shown")
    ERASE = "erase", _("personal data erased")
    MERGE = "merge", _("records of one person merged")
    UNMERGE = "unmerge", _("a merge undone")
    FILING = "filing", _("monthly report filed or reviewed")


def can_read_audit(user) -> bool:
    """Province officers and administrators read the log; nobody else (accounts.policies
    decides, through Django's has_perm: audit sits below accounts)."""
    return user.is_authenticated and user.has_perm("portal.read_audit")


class AuditEventQuerySet(models.QuerySet):
    def for_user(self, user) -> AuditEventQuerySet:
        return self.all() if can_read_audit(user) else self.none()


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Plain columns, not foreign keys: deleting an account must not touch its history.
    actor_id = models.IntegerField(null=True, db_index=True)
    actor = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action, db_index=True)
    route = models.CharField(_("page"), max_length=100, blank=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    status = models.PositiveSmallIntegerField(null=True)
    ip = models.GenericIPAddressField(_("from"), null=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.route}"


def protect_table(connection) -> None:
    """Refuse UPDATE and DELETE on the audit table (UPDATE only on SQLite, see below)."""
    message = "audit events are append-only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{message}'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}")
            cursor.execute(
                f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
        else:
            # SQLite (the local default) empties tables with DELETE, as Django's flush does
            # between browser tests; there only changes are refused. PostgreSQL (production,
            # CI) refuses both: its flush is a TRUNCATE, which row triggers do not see.
            cursor.execute("DROP TRIGGER IF EXISTS audit_append_only_delete")
            for event in ("UPDATE",):
                name = f"audit_append_only_{event.lower()}"
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {TABLE} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )

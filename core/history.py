"""Versions of registry records (django-simple-history): what the pages show of them, and the
first version of records that existed before versions were kept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .phones import mask_phone

BATCH = 2000


def first_versions(apps, app_label: str, model_name: str) -> None:
    """For a migration: one "created" version of every existing row, dated when the row was
    created (so "as of" questions have an answer for records older than their history)."""
    model = apps.get_model(app_label, model_name)
    historical = apps.get_model(app_label, f"Historical{model_name}")
    names = [
        f.attname
        for f in historical._meta.concrete_fields
        if not f.name.startswith("history_") and f.attname != "history_id"
    ]
    rows = []
    for row in model.objects.all().iterator(chunk_size=BATCH):
        values = {name: getattr(row, name) for name in names if hasattr(row, name)}
        rows.append(historical(**values, history_date=row.created_at, history_type="+"))
        if len(rows) >= BATCH:
            historical.objects.bulk_create(rows)
            rows = []
    historical.objects.bulk_create(rows)


def changes(records, *, labels: dict[str, str] | None = None, limit: int = 50) -> list[dict]:
    """The versions of one or more records, newest first, each with who, when and what changed
    (field label: old → new), read from consecutive historical rows."""
    found = []
    by_object: dict = {}
    for version in sorted(records, key=lambda v: (v.history_date, v.history_id)):
        previous = by_object.get(version.id)
        by_object[version.id] = version
        fields = []
        if previous is not None and version.history_type == "~":
            for field in _tracked_fields(version):
                old, new = getattr(previous, field.attname), getattr(version, field.attname)
                if old == new:
                    continue
                fields.append(
                    {
                        "label": (labels or {}).get(field.name, str(field.verbose_name)),
                        "old": _display(field, old),
                        "new": _display(field, new),
                    }
                )
            if not fields:
                continue  # saved without a change
        found.append(
            {
                "when": version.history_date,
                "who": version.history_user,
                "kind": {"+": _("created"), "~": _("changed"), "-": _("deleted")}[
                    version.history_type
                ],
                "what": _name(version),
                "fields": fields,
            }
        )
    found.reverse()
    return found[:limit]


def _name(version) -> str:
    """What the record is called, from the version itself (no query)."""
    for attribute in ("head_name", "full_name", "name"):
        value = getattr(version, attribute, None)
        if value:
            return str(value)
    return f"#{version.id}"


def _tracked_fields(version) -> list:
    """The record's own fields the history keeps (no history_*, no automatic timestamps)."""
    model = version.instance_type
    kept = {f.attname for f in version._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept and f.name not in ("id", "updated_at", "created_at")
    ]


def _display(field, value) -> str:
    """A value as a person reads it: choices by their label, days as dd/mm/yyyy, phones
    masked; another record by its id (reading it would cost a query per change)."""
    if field.name == "phone":  # masked, as every list shows phones
        return mask_phone(value) if value else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) if value not in (None, "") else "—"
    if value in (None, ""):
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def refuse_if_changed(instance, opened_at) -> None:
    """A save from a form opened on an earlier version is refused, naming who changed the
    record since and what (nothing is lost: the form keeps what was typed). Locks the row
    until the caller's transaction ends, so two saves take turns."""
    if opened_at is None or instance.pk is None:
        return
    current = (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None or current <= opened_at:
        return
    later = [
        v
        for v in instance.history.filter(history_date__gte=opened_at)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ]
    before = instance.history.filter(history_date__lt=opened_at).order_by("-history_date").first()
    described = changes(([before] if before else []) + later)
    lines = []
    for change in described:
        if change["fields"]:
            what = "; ".join(f"{f['label']}: {f['old']} → {f['new']}" for f in change["fields"])
            who = change["who"] or _("someone")
            lines.append(
                _("%(who)s at %(when)s: %(what)s")
                % {"who": who, "when": _local(change["when"]), "what": what}
            )
    raise ValidationError(
        _(
            "Someone saved this record after you opened it: your changes were not saved. "
            "Their change: %(changes)s. Check the form and save again to keep yours."
        )
        % {"changes": " · ".join(lines) or _local(current)},
        code="stale",
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")

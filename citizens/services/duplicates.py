"""Two records of one person: merging them, and undoing a merge.

A probable duplicate is the same accent-free name and year of birth in one commune
(``citizens.selectors.duplicate_groups``). The same citizen ID number twice cannot happen:
the unique constraint ``citizen_id_number_once`` forbids storing it on two records.

A merge moves the merged record's help records to the kept one and leaves the merged record
in the table, pointing at the kept one (``merged_into``): out of every list and count, ready to
come back. Everything needed to undo it exactly is kept in a ``CitizenMerge``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies

from ..models import Assistance, Citizen, CitizenMerge, Visit
from .registry import ANONYMOUS_NAME


def _check_scope(actor, *citizens: Citizen) -> None:
    if not policies.can_manage_registry(actor):
        raise PermissionDenied
    pks = {c.pk for c in citizens}
    if Citizen.objects.for_user(actor).filter(pk__in=pks).count() != len(pks):
        raise PermissionDenied


def _commune_id(citizen: Citizen) -> int | None:
    return citizen.household.hamlet.parent_id


@transaction.atomic
def citizen_merge(*, actor, keep: Citizen, merge: Citizen) -> CitizenMerge:
    """Make ``merge`` part of ``keep``: its help records move to ``keep``; one that ``keep``
    already has (same visit, app and outcome: the constraint ``assistance_once_per_visit``)
    is deleted and remembered. Refused for one record with itself, records of two communes,
    a record already merged or anonymised, and records outside the actor's scope."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    # Locked, and read again: two officers merging at once take turns.
    locked = {
        c.pk: c for c in Citizen.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    if len(locked) != 2:
        raise PermissionDenied
    keep, merge = locked[keep.pk], locked[merge.pk]
    if keep.merged_into_id is not None or merge.merged_into_id is not None:
        raise ValidationError(_("One of these records has already been merged."))
    _check_scope(actor, keep, merge)
    if _commune_id(keep) != _commune_id(merge):
        raise ValidationError(_("Only records of the same commune can be merged."))
    if any(c.full_name.startswith(ANONYMOUS_NAME) for c in (keep, merge)):
        raise ValidationError(_("An anonymised record cannot be merged."))

    kept_keys = set(keep.assistances.values_list("visit_id", "app_id", "outcome_id"))
    moved: list[int] = []
    deleted: list[dict] = []
    for pk, visit, app, outcome in merge.assistances.order_by("pk").values_list(
        "pk", "visit_id", "app_id", "outcome_id"
    ):
        if (visit, app, outcome) in kept_keys:
            deleted.append({"visit": visit, "app": app, "outcome": outcome})
        else:
            moved.append(pk)
    duplicates: list = [
        Assistance.objects.filter(citizen=merge, visit_id=d["visit"], app_id=d["app"])
        .filter(outcome_id=d["outcome"])
        .values_list("pk", flat=True)
        .first()
        for d in deleted
    ]
    Assistance.objects.filter(pk__in=duplicates).delete()
    Assistance.objects.filter(pk__in=moved).update(citizen=keep, updated_at=timezone.now())
    now = timezone.now()
    merge.merged_into = keep
    merge.merged_at = now
    merge.save(update_fields=["merged_into", "merged_at", "updated_at"])
    return CitizenMerge.objects.create(
        kept=keep,
        merged=merge,
        actor=actor,
        at=now,
        moved_assistances=moved,
        deleted_duplicates=deleted,
    )


@transaction.atomic
def citizen_unmerge(*, actor, merge: CitizenMerge) -> CitizenMerge:
    """Undo a merge: the moved help records go back to the merged record, the deleted
    duplicates are recorded on it again (those of a visit since withdrawn or deleted stay
    gone, as the visit's own records did), and the record is back in the lists and counts."""
    merge = CitizenMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise ValidationError(_("This merge has already been undone."))
    kept, merged = merge.kept, merge.merged
    if kept.merged_into_id is not None:
        raise ValidationError(
            _("The kept record has since been merged into another one: undo that merge first.")
        )
    if merged.merged_into_id != kept.pk:
        raise ValidationError(_("This merge has already been undone."))
    _check_scope(actor, kept)
    now = timezone.now()
    Assistance.objects.filter(pk__in=merge.moved_assistances, citizen=kept).update(
        citizen=merged, updated_at=now
    )
    counted = set(
        Visit.objects.counted()
        .filter(pk__in=[d["visit"] for d in merge.deleted_duplicates])
        .values_list("pk", flat=True)
    )
    Assistance.objects.bulk_create(
        Assistance(citizen=merged, visit_id=d["visit"], app_id=d["app"], outcome_id=d["outcome"])
        for d in merge.deleted_duplicates
        if d["visit"] in counted
    )
    merged.merged_into = None
    merged.merged_at = None
    merged.save(update_fields=["merged_into", "merged_at", "updated_at"])
    merge.undone_at = now
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge

"""Writes of the data-quality flags: an officer marks a flag as checked, with a note."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from accounts.policies import require
from areas.models import AdministrativeUnit

from .models import FlagCheck, FlagStatus
from .rules import RULES, find

MAX_NOTE = 1000


def flag_check(*, actor, rule: str, key: str, unit: AdministrativeUnit, note: str) -> FlagCheck:
    """Mark the finding ``rule``/``key`` of ``unit`` as checked, with what the officer found.

    The finding is looked for again in the records of its unit (a flag that is no longer
    found cannot be checked) and the check keeps its present numbers: if they change, the
    flag is open again. Checking it again replaces the note; the history keeps the earlier.
    """
    require(policies.can_check_flags, actor, unit)
    if not AdministrativeUnit.objects.for_user(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Write what you checked and found: the note is required.")}
        )
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note under %(most)s characters.") % {"most": MAX_NOTE}}
        )
    if rule not in RULES:
        raise ValidationError(_("This flag is no longer found: the records may have changed."))
    finding = next((f for f in find(user=actor, root=unit, rules=[rule]) if f.key == key), None)
    if finding is None:
        raise ValidationError(_("This flag is no longer found: the records may have changed."))
    with transaction.atomic():
        check = FlagCheck.objects.select_for_update().filter(rule=rule, key=key).first()
        check = check or FlagCheck(rule=rule, key=key)
        check.unit = finding.unit
        check.value = finding.value
        check.status = FlagStatus.CHECKED
        check.note = note
        check.checked_by = actor
        check.checked_at = timezone.now()
        check.full_clean()
        check.save()
    return check

"""Writes to the app catalogue. Slugs never change once created: the API and imports use them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.text import clean_text, fold

from .models import App, Outcome


def _slug(text: str) -> str:
    return slugify(fold(text))[:50]


def app_create(*, name: str, description: str = "", outcomes: list[str], slug: str = "") -> App:
    name = clean_text(name)
    labels = [clean_text(label) for label in outcomes if clean_text(label)]
    if not labels:
        raise ValidationError({"outcomes": _("List at least one outcome (e.g. “Đã cài đặt”).")})
    if len({fold(label) for label in labels}) != len(labels):
        raise ValidationError({"outcomes": _("Each outcome must be listed once.")})
    app = App(
        slug=slug or _slug(name),
        name=name,
        description=clean_text(description),
        position=(App.objects.order_by("-position").values_list("position", flat=True).first() or 0)
        + 1,
    )
    if App.objects.filter(slug=app.slug).exists():
        raise ValidationError({"name": _("An app with this name is already in the catalogue.")})
    app.full_clean()
    with transaction.atomic():
        app.save()
        for position, label in enumerate(labels, start=1):
            outcome = Outcome(
                app=app, code=_slug(label) or f"o{position}", name=label, position=position
            )
            outcome.full_clean()
            outcome.save()
    return app


def app_set_active(*, app: App, active: bool) -> App:
    """Retire an app from the visit form (its history stays) or bring it back."""
    app.is_active = active
    app.save(update_fields=["is_active", "updated_at"])
    return app

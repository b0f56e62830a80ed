"""Template pieces of "from training to results", for pages of apps below dashboards (which
may not import it): a member's courses and work since, and signed differences."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

from training.models import Course

from ..training_effect import member_courses_and_work as member_work

register = template.Library()


@register.filter
def signed(value: float, digits: int = 2) -> str:
    """A difference with its sign: +1.50, −0.25, 0.00."""
    text = floatformat(abs(value), digits)
    if text.strip("0.,") == "":
        return floatformat(0, digits)
    return f"+{text}" if value > 0 else f"−{text}"


@register.inclusion_tag("dashboards/training_member_work.html", takes_context=True)
def member_courses_and_work(context, member):
    """The member's courses and their work since (visits inside the viewer's scope), each
    course linked to its results page when the viewer may see the course."""
    user = context["request"].user
    rows = member_work(member, user=user)
    visible = (
        set(
            Course.objects.for_user(user)
            .filter(pk__in=[row.course.pk for row in rows])
            .values_list("pk", flat=True)
        )
        if rows
        else set()
    )
    return {"rows": rows, "visible": visible}

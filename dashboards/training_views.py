"""The pages of "from training to results": the courses with their windows, and one course's
field work before and after against comparable members who were not trained."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.pagination import paginate, query_without_page
from training import selectors as training_selectors

from .training_effect import course_effect, course_windows

WEEKS_CHOICES = (4, 8, 12)
DEFAULT_WEEKS = 8


def _weeks(request) -> int:
    value = request.GET.get("weeks", "")
    return int(value) if value.isdigit() and int(value) in WEEKS_CHOICES else DEFAULT_WEEKS


@login_required
@require_safe
def course_effects(request):
    """The courses the user may see, each with where its "after" window stands."""
    courses = training_selectors.courses_for_user(user=request.user)
    page = paginate(request, courses)
    today = timezone.localdate()
    rows = [(course, course_windows(course, DEFAULT_WEEKS, today)[1]) for course in page]
    return render(
        request,
        "dashboards/training_effects.html",
        {
            "page": page,
            "rows": rows,
            "page_query": query_without_page(request),
            "weeks": DEFAULT_WEEKS,
        },
    )


@login_required
@require_safe
def course_effect_page(request, pk: int):
    """One course: trained members against comparable untrained members, before and after."""
    course = training_selectors.get_course_for_user(user=request.user, pk=pk)
    weeks = _weeks(request)
    completed_only = request.GET.get("completed") == "1"
    effect = course_effect(course, weeks=weeks, user=request.user, completed_only=completed_only)
    return render(
        request,
        "dashboards/training_effect.html",
        {
            "course": course,
            "effect": effect,
            "weeks": weeks,
            "weeks_choices": WEEKS_CHOICES,
            "completed_only": completed_only,
        },
    )

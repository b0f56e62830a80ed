from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policies
from core.exports import Column, export_columns, wants_export
from core.forms import attempt
from core.pagination import paginate, query_without_page
from core.search import TOKEN_FIELD as SEARCH_TOKEN
from core.search import search_text

from . import selectors, services
from .forms import CompletionForm, CourseCreateForm, CourseForm, SessionForm, TickForm, TraineeForm


def _with_search(url: str, request) -> str:
    """Back to the same list after saving, keeping its search (as its session token)."""
    token = request.GET.get(SEARCH_TOKEN, "")
    return f"{url}?{urlencode({SEARCH_TOKEN: token})}" if token else url


# --- Courses ---------------------------------------------------------------------------------


@login_required
def course_list(request):
    search = search_text(request)
    sort = request.GET.get("sort", "-starts")
    courses = selectors.courses_for_user(user=request.user, search=search, sort=sort)
    if wants_export(request):
        return export_columns(
            request,
            "khoa-tap-huan",
            [
                Column(_("Course"), lambda c: c.name),
                Column(_("Organised by"), lambda c: c.unit.name),
                Column(_("For whom"), lambda c: c.audience),
                Column(_("Starts on"), lambda c: c.starts_on),
                Column(_("Ends on"), lambda c: c.ends_on),
                Column(_("Sessions"), lambda c: c.session_count),
                Column(_("Trainees"), lambda c: c.trainee_count),
                Column(_("Completed"), lambda c: c.completed_count),
            ],
            courses.iterator(chunk_size=2000),
        )
    return render(
        request,
        "training/course_list.html",
        {
            "page": paginate(request, courses),
            "page_query": query_without_page(request),
            "search": search,
            "sort": sort,
            "can_manage": policies.can_manage_training(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    policies.require(policies.can_manage_training, request.user)
    units = selectors.course_units_for_user(user=request.user)
    form = CourseCreateForm(
        request.POST or None, units=units, initial={"unit": request.user.scope_unit_id}
    )
    if request.method == "POST" and (course := form.submit(services.course_create)):
        messages.success(request, _("Course “%(name)s” created.") % {"name": course.name})
        return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int):
    policies.require(policies.can_manage_training, request.user)
    course = selectors.get_course_for_user(user=request.user, pk=pk)
    form = CourseForm(
        request.POST or None,
        initial=model_to_dict(course, fields=CourseForm.base_fields),
    )
    if request.method == "POST" and form.submit(services.course_update, course=course):
        messages.success(request, _("Course saved."))
        return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form, "course": course})


@login_required
def course_detail(request, pk: int):
    course = selectors.get_course_for_user(user=request.user, pk=pk)
    search = search_text(request)
    trainees = selectors.trainees_for_course(course=course, search=search)
    if wants_export(request):
        return export_columns(
            request,
            f"hoc-vien-khoa-{course.pk}",
            [
                Column(_("Full name"), lambda t: t.name),
                Column(_("Phone"), lambda t: t.phone, phone=True),
                Column(_("Position and workplace"), lambda t: t.workplace),
                Column(_("Works in"), lambda t: t.unit.name),
                # attended_count: annotated by the selector
                Column(_("Sessions attended"), lambda t: t.attended_count),
                Column(_("Completed on"), lambda t: t.completed_on),
            ],
            trainees.iterator(chunk_size=2000),
        )
    can_manage = policies.can_manage_training(request.user)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(course=course),
            "page": paginate(request, trainees),
            "page_query": query_without_page(request),
            "search": search,
            "can_manage": can_manage,
            "trainee_form": (
                TraineeForm(units=selectors.trainee_units(course=course)) if can_manage else None
            ),
        },
    )


# --- Sessions --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request, pk: int):
    policies.require(policies.can_manage_training, request.user)
    course = selectors.get_course_for_user(user=request.user, pk=pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and (session := form.submit(services.session_add, course=course)):
        messages.success(
            request, _("Session of %(day)s added.") % {"day": f"{session.held_on:%d/%m/%Y}"}
        )
        return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
def session_remove(request, pk: int):
    policies.require(policies.can_manage_training, request.user)
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    course = session.course
    error = ""
    if request.method == "POST":
        _removed, problems = attempt(services.session_remove, session=session)
        error = " ".join(problems)
        if not problems:
            messages.success(request, _("Session removed."))
            return redirect("training:course-detail", pk=course.pk)
    return render(
        request,
        "training/confirm.html",
        {
            "course": course,
            "error": error,
            "title": _("Remove the session of %(day)s?") % {"day": f"{session.held_on:%d/%m/%Y}"},
            "warning": _(
                "The session is deleted. Only a session recorded by mistake, that nobody "
                "attended, can be removed."
            ),
            "confirm": _("Yes, remove the session"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk: int):
    """Tick who attended a session; the search box narrows the list, the rest is kept."""
    policies.require(policies.can_manage_training, request.user)
    session = selectors.get_session_for_user(user=request.user, pk=pk)
    course = session.course
    search = search_text(request)
    trainees = list(selectors.trainees_for_course(course=course, search=search))
    all_ids = course.trainees.values_list("pk", flat=True)
    form = TickForm(request.POST or None, trainee_ids=all_ids)

    def save(*, ticked, shown):
        return services.attendance_set(session=session, trainee_ids=ticked, among=shown)

    if request.method == "POST" and (result := form.submit(save)):
        messages.success(
            request,
            _("Attendance saved: %(present)d present at this session.")
            % {"present": result["present"]},
        )
        url = reverse("training:session-attendance", args=[session.pk])
        return HttpResponseRedirect(_with_search(url, request))
    if form.is_bound:
        ticked = {int(v) for v in request.POST.getlist("ticked") if v.isdigit()}
    else:
        ticked = selectors.attendee_ids(session=session)
    return render(
        request,
        "training/attendance.html",
        {
            "course": course,
            "session": session,
            "trainees": trainees,
            "ticked": ticked,
            "form": form,
            "search": search,
        },
    )


# --- Trainees and completion -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def trainee_add(request, pk: int):
    policies.require(policies.can_manage_training, request.user)
    course = selectors.get_course_for_user(user=request.user, pk=pk)
    form = TraineeForm(request.POST or None, units=selectors.trainee_units(course=course))
    if request.method == "POST" and (trainee := form.submit(services.trainee_add, course=course)):
        messages.success(request, _("%(name)s added to the course.") % {"name": trainee.name})
        return redirect("training:course-detail", pk=course.pk)
    return render(request, "training/trainee_form.html", {"form": form, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
def completion(request, pk: int):
    """Tick who completed the course (a filtered list changes only the trainees it shows)."""
    policies.require(policies.can_manage_training, request.user)
    course = selectors.get_course_for_user(user=request.user, pk=pk)
    search = search_text(request)
    trainees = list(selectors.trainees_for_course(course=course, search=search))
    all_ids = course.trainees.values_list("pk", flat=True)
    form = CompletionForm(request.POST or None, trainee_ids=all_ids)

    def save(*, ticked, shown, completed_on):
        return services.completion_set(
            course=course, trainee_ids=ticked, completed_on=completed_on, among=shown
        )

    if request.method == "POST" and (result := form.submit(save)):
        messages.success(
            request,
            _("Completion saved: %(completed)d newly completed, %(uncompleted)d cleared.") % result,
        )
        url = reverse("training:completion", args=[course.pk])
        return HttpResponseRedirect(_with_search(url, request))
    if form.is_bound:
        ticked = {int(v) for v in request.POST.getlist("ticked") if v.isdigit()}
    else:
        ticked = {t.pk for t in trainees if t.completed_on}
    return render(
        request,
        "training/completion.html",
        {
            "course": course,
            "trainees": trainees,
            "ticked": ticked,
            "form": form,
            "search": search,
        },
    )

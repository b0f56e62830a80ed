from django.contrib import admin

from .models import Attendance, Course, Session, Trainee


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "audience", "starts_on", "ends_on")
    search_fields = ("name", "search_key")
    date_hierarchy = "starts_on"
    raw_id_fields = ("unit",)
    readonly_fields = ("search_key",)
    inlines = [SessionInline]


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "workplace", "course", "unit", "completed_on")
    search_fields = ("name", "search_key", "phone")
    list_select_related = ("course", "unit")
    raw_id_fields = ("course", "unit", "team_member")
    readonly_fields = ("search_key",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("trainee", "session")
    list_select_related = ("trainee", "session__course")
    raw_id_fields = ("trainee", "session")

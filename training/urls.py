from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="course-list"),
    path("new/", views.course_create, name="course-create"),
    path("<int:pk>/", views.course_detail, name="course-detail"),
    path("<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("<int:pk>/sessions/new/", views.session_add, name="session-add"),
    path("<int:pk>/trainees/new/", views.trainee_add, name="trainee-add"),
    path("<int:pk>/completion/", views.completion, name="completion"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("sessions/<int:pk>/remove/", views.session_remove, name="session-remove"),
]

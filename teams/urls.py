from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="team-list"),
    path("new/", views.team_create, name="team-create"),
    path("leader-accounts/", views.leader_accounts, name="leader-accounts"),
    path("<int:pk>/", views.team_detail, name="team-detail"),
    path("<int:pk>/edit/", views.team_edit, name="team-edit"),
    path("<int:pk>/dissolve/", views.team_dissolve, name="team-dissolve"),
    path("<int:pk>/roster.pdf", views.team_roster_pdf, name="team-roster-pdf"),
    path("<int:pk>/poster.pdf", views.team_poster_pdf, name="team-poster-pdf"),
    path("<int:pk>/members/new/", views.member_add, name="member-add"),
    path("members/", views.member_list, name="member-list"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/retire/", views.member_retire, name="member-retire"),
]

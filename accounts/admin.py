from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "email", "role", "scope_unit", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "name", "email")
    ordering = ("username",)
    raw_id_fields = ("scope_unit", "created_by")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email")}),
        (_("Role and scope"), {"fields": ("role", "scope_unit", "created_by")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "role", "scope_unit", "password1", "password2"),
            },
        ),
    )

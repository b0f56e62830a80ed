from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password change goes through the service (the old tokens end)."""

    def save(self, commit: bool = True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["password1"])


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = PasswordChangeForm
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_tokens_end(user=obj)  # as user_set_active does

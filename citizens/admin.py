"""Households and citizens in the admin: for looking only. Every write goes through the
portal's services (search keys, phone formats, the hashed citizen ID number)."""

from django.contrib import admin

from .models import Citizen, Household


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CitizenInline(admin.TabularInline):
    model = Citizen
    extra = 0
    fields = ("full_name", "birth_year", "sex", "phone", "id_number_last4")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("head_name", "address", "hamlet", "member_count", "smartphone_count")
    search_fields = ("search_key",)
    list_select_related = ("hamlet",)
    inlines = [CitizenInline]


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "birth_year", "sex", "household")
    list_filter = ("sex",)
    search_fields = ("search_key",)
    list_select_related = ("household",)
    exclude = ("id_number_digest",)

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ResidentEntry, User


@admin.register(User)
class AimakUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "email", "phone", "role", "municipality",
                    "residence_verified_at", "is_demo")
    list_filter = ("role", "is_demo", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = (*UserAdmin.fieldsets, ("aimak", {"fields": (
        "full_name", "phone", "role", "municipality", "phone_confirmed_at",
        "residence_verified_at", "residence_method", "is_demo")}))
    raw_id_fields = ("municipality",)


@admin.register(ResidentEntry)
class ResidentEntryAdmin(admin.ModelAdmin):
    list_display = ("full_name", "phone", "village_text", "municipality", "uploaded_at")
    raw_id_fields = ("municipality", "village", "uploaded_by")

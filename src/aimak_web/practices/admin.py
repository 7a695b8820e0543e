from django.contrib import admin

from .models import (
    Category,
    Criterion,
    Edition,
    Practice,
    SubTheme,
    Theme,
)


class SubThemeInline(admin.TabularInline):
    model = SubTheme
    extra = 0


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "name_ky", "order"]
    inlines = [SubThemeInline]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    """Read-mostly: the status changes only through the workflow on the site."""

    list_display = ["__str__", "submitter_type", "theme", "status", "published_at"]
    list_filter = ["status", "theme", "submitter_type"]
    readonly_fields = ["status", "moderator_comment", "rejection_reason", "submitted_at",
                       "published_at"]
    search_fields = ["title_ru", "title_ky"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "entries_open", "vote_close", "jury_weight", "is_example"]
    inlines = [CategoryInline, CriterionInline]

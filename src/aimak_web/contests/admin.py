from django.contrib import admin

from .models import Application, Criterion, Edition, Evidence, JuryMember, Score


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title_ru", "state", "is_example"]
    readonly_fields = ["state", "approved_at", "approved_by"]
    inlines = [CriterionInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["code", "edition", "municipality", "state", "submitted_at"]
    list_filter = ["edition", "state"]
    readonly_fields = ["code", "state", "submitted_at", "auto_facts"]
    raw_id_fields = ["municipality", "created_by"]


admin.site.register(Evidence)


@admin.register(JuryMember)
class JuryMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "conflicts_declared_at"]
    raw_id_fields = ["user"]
    filter_horizontal = ["conflict_rayons", "conflict_municipalities", "conflict_applications"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["application", "juror", "criterion", "value", "updated_at"]
    list_filter = ["application__edition"]

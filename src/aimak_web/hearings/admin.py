from django.contrib import admin

from .models import Answer, BudgetLine, Comment, Hearing, ModerationDecision, Proposal


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "municipality", "subject", "year", "state", "is_example"]
    list_filter = ["state", "subject"]
    search_fields = ["title_ru", "title_ky", "municipality__name_ru"]
    raw_id_fields = ["municipality", "created_by"]
    inlines = [BudgetLineInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "hearing", "on_paper", "hidden", "created_at"]
    raw_id_fields = ["hearing", "author", "line", "supporters"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["hearing", "author", "hidden", "created_at"]
    raw_id_fields = ["hearing", "author", "line"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["proposal", "verdict", "published_at"]
    raw_id_fields = ["proposal", "answered_by", "line"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["action", "reason", "moderator", "decided_at"]
    raw_id_fields = ["comment", "proposal", "moderator"]

from django.contrib import admin

from . import models


@admin.register(models.Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["user", "field_ru", "active"]
    raw_id_fields = ["user"]


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "published_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["submitter", "municipality"]


@admin.register(models.Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "municipality", "status", "publicity"]
    raw_id_fields = ["submitter", "municipality", "expert"]


@admin.register(models.MembershipList)
class MembershipListAdmin(admin.ModelAdmin):
    list_display = ["source", "as_of"]
    filter_horizontal = ["members"]


@admin.register(models.Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["bank_reference", "municipality", "reader", "period_start", "period_end"]
    raw_id_fields = ["municipality", "reader", "recorded_by"]

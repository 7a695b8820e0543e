from django.contrib import admin

from .models import ImportRun, Municipality, Oblast, Rayon, Settlement


@admin.register(Oblast, Rayon)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_ky", "name_en")
    search_fields = ("code", "name_ru", "name_ky", "name_en")


@admin.register(Municipality)
class MunicipalityAdmin(PlaceAdmin):
    list_display = ("code", "name_ru", "name_ky", "rayon", "population", "population_source")
    list_select_related = ("rayon",)
    list_filter = ("kind", "population_source")


@admin.register(Settlement)
class SettlementAdmin(PlaceAdmin):
    raw_id_fields = ("municipality",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("source", "started")

"""Open data: municipalities with their population provenance (read-only)."""

from rest_framework import serializers, viewsets

from .models import Municipality


class MunicipalitySerializer(serializers.ModelSerializer):
    rayon = serializers.CharField(source="rayon.name_en")
    oblast = serializers.CharField(source="rayon.oblast.name_en")

    class Meta:
        model = Municipality
        fields = ["code", "name_ru", "name_ky", "name_en", "kind", "rayon", "oblast",
                  "population", "population_year", "population_source", "population_ref",
                  "territory_source", "area_km2"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Municipality.objects.select_related("rayon__oblast").order_by("code")
    serializer_class = MunicipalitySerializer
    lookup_field = "code"

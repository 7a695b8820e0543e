"""Open data: published results of the contest's editions (read-only; nothing before approval)."""

from rest_framework import serializers, viewsets

from .models import Edition
from .results import published_rows


class EditionResultsSerializer(serializers.ModelSerializer):
    results = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = ["year", "title_ru", "title_ky", "is_example", "hearings_from", "hearings_to",
                  "applications_from", "applications_to", "results_date", "prize_bands",
                  "approved_at", "results"]

    def get_results(self, obj: Edition) -> list[dict]:
        keep = ("rank", "code", "municipality_code", "municipality_ru", "municipality_ky",
                "municipality_en", "category", "score", "n_jurors", "prize")
        return [{k: r.get(k) for k in keep} for r in published_rows(obj)]


class EditionResultsViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Edition.objects.filter(state=Edition.State.PUBLISHED).order_by("-year")
    serializer_class = EditionResultsSerializer
    lookup_field = "year"

"""Open data: published practices (read-only)."""

from rest_framework import serializers, viewsets

from .models import Practice, Status


class PracticeSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme.code")
    subtheme = serializers.CharField(source="subtheme.code")
    municipalities = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    body = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = Practice
        fields = ["id", "title_ru", "title_ky", "theme", "subtheme", "submitter_type", "body",
                  "municipalities", "period_start", "period_end", "problem_ru", "problem_ky",
                  "solution_ru", "solution_ky", "results_ru", "results_ky", "repeat_ru",
                  "repeat_ky", "cost_som", "paid_by_ru", "paid_by_ky", "published_at"]


class PracticeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (Practice.objects.filter(status=Status.PUBLISHED)
                .select_related("theme", "subtheme", "body")
                .prefetch_related("municipalities").order_by("pk"))
    serializer_class = PracticeSerializer

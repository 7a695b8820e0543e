"""Open data: hearings, proposals and answers (read-only; drafts and hidden items left out)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from .models import Answer, Hearing, Proposal, State


class HearingSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    attendance_total = serializers.IntegerField(read_only=True)
    notice_lead_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Hearing
        fields = ["id", "municipality", "subject", "year", "title_ru", "title_ky", "state",
                  "is_example", "notice_date", "comments_from", "comments_until", "meeting_at",
                  "meeting_place", "online_link", "notice_lead_days", "attendance_women",
                  "attendance_men", "attendance_total", "closed_at"]


class ProposalSerializer(serializers.ModelSerializer):
    line_code = serializers.CharField(source="line.code", default=None)

    class Meta:
        model = Proposal
        fields = ["id", "hearing", "title", "text", "on_paper", "line_code", "amount",
                  "created_at"]


class AnswerSerializer(serializers.ModelSerializer):
    hearing = serializers.IntegerField(source="proposal.hearing_id")

    class Meta:
        model = Answer
        fields = ["id", "proposal", "hearing", "verdict", "reason", "amount", "published_at"]


class HearingViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (Hearing.objects.public().select_related("municipality")
                .order_by("id"))
    serializer_class = HearingSerializer


class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (Proposal.objects.filter(hidden=False).exclude(hearing__state=State.DRAFT)
                .select_related("line").order_by("id"))
    serializer_class = ProposalSerializer


class AnswerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (Answer.objects.filter(published_at__isnull=False, proposal__hidden=False)
                .select_related("proposal").order_by("id"))
    serializer_class = AnswerSerializer

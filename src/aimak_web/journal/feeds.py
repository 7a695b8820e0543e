"""The Atom feed of the journal's newly published items."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from aimak_web.practices.moderation import Status

from .models import Article, Consultation


class JournalFeed(Feed):
    feed_type = Atom1Feed
    title = _("Journal «Municipality»")
    subtitle = _("Legal consultations, legislation news, articles, stories and research")
    link = reverse_lazy("journal:index")

    def items(self):
        items = [*Article.objects.filter(status=Status.PUBLISHED).select_related("theme")[:50],
                 *Consultation.objects.filter(status=Status.PUBLISHED)
                 .select_related("theme")[:50]]
        return sorted(items, key=lambda x: x.published_at, reverse=True)[:50]

    def item_title(self, item) -> str:
        return str(item)

    def item_description(self, item) -> str:
        return getattr(item, "lead_ru", "") or getattr(item, "question_ru", "") or ""

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.theme.name_ru]

"""The Atom feed of the journal's newly published items."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
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
        """The 50 latest published items of both kinds. An item published without a date
        (set outside the workflow: an import, a data fix) is dated by its last change
        rather than left out or breaking the feed."""
        items = [*_latest(Article), *_latest(Consultation)]
        return sorted(items, key=lambda x: (x.feed_date, x.pk), reverse=True)[:50]

    def item_title(self, item) -> str:
        return str(item)

    def item_description(self, item) -> str:
        return getattr(item, "lead_ru", "") or getattr(item, "question_ru", "") or ""

    def item_pubdate(self, item):
        return item.feed_date

    def item_updateddate(self, item):
        """Atom requires it of every entry: the item's last change, never before its date."""
        return max(item.updated_at, item.feed_date)

    def item_categories(self, item):
        return [item.theme.name_ru]


def _latest(model):
    return (model.objects.filter(status=Status.PUBLISHED).select_related("theme")
            .annotate(feed_date=Coalesce("published_at", "updated_at"))
            .order_by("-feed_date", "-pk")[:50])

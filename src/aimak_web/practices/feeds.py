"""The Atom feed of newly published practices."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Practice, Status


class PracticesFeed(Feed):
    feed_type = Atom1Feed
    title = _("aimak: best practices of local self-government")
    subtitle = _("Newly published practices")
    link = reverse_lazy("practices:index")

    def items(self):
        """The 50 latest published practices; one published without a date (set outside the
        workflow) is dated by its last change rather than left out or undated."""
        return (Practice.objects.filter(status=Status.PUBLISHED).select_related("theme")
                .annotate(feed_date=Coalesce("published_at", "updated_at"))
                .order_by("-feed_date", "-pk")[:50])

    def item_title(self, item: Practice) -> str:
        return str(item)

    def item_description(self, item: Practice) -> str:
        return item.problem_ru or item.problem_ky

    def item_pubdate(self, item: Practice):
        return item.feed_date

    def item_updateddate(self, item: Practice):
        return item.feed_date

    def item_categories(self, item: Practice):
        return [item.theme.name_ru]

"""An Atom feed of one municipality's public hearings (django.contrib.syndication)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from aimak_web.core.text import localized
from aimak_web.places.models import Municipality

from .models import Hearing


class MunicipalityHearingsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code: str):
        return get_object_or_404(Municipality, code=code)

    def title(self, obj: Municipality) -> str:
        return _("Public hearings: %(name)s") % {"name": obj.name}

    def link(self, obj: Municipality) -> str:
        return reverse("hearings:index") + f"?m={obj.code}"

    def subtitle(self, obj: Municipality) -> str:
        return _("Hearings announced by %(name)s on aimak") % {"name": obj.name}

    def items(self, obj: Municipality):
        return (Hearing.objects.public().filter(municipality=obj)
                .order_by("-announced_at", "-created_at", "-pk")[:50])

    def item_title(self, item: Hearing) -> str:
        return localized(item, "title")[0]

    def item_description(self, item: Hearing) -> str:
        return f"{item.get_state_display()}. {localized(item, 'notice')[0]}"

    def item_pubdate(self, item: Hearing):
        return item.announced_at or item.created_at

    def item_updateddate(self, item: Hearing):
        return item.closed_at or item.meeting_recorded_at or item.announced_at \
            or item.created_at

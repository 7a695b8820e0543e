"""URLs of the platform: pages under a language prefix (none for Russian), API and admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from aimak_web.core import files as core_files
from aimak_web.core import views as core_views

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    # uploaded files, with DEBUG on or off alike: only what an app's check lets this person read
    path("media/<path:path>", core_files.media, name="media"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/", include("aimak_web.api")),
]
urlpatterns += i18n_patterns(
    path("", include("aimak_web.core.urls")),
    path("accounts/", include("aimak_web.accounts.urls")),
    path("places/", include("aimak_web.places.urls")),
    path("hearings/", include("aimak_web.hearings.urls")),
    path("h/", include("aimak_web.hearings.short_urls")),
    path("contests/", include("aimak_web.contests.urls")),
    path("practices/", include("aimak_web.practices.urls")),
    path("journal/", include("aimak_web.journal.urls")),
    path("portraits/", include("aimak_web.portraits.urls")),
    path("territory/", include("aimak_web.territory.urls")),
    path("forecasts/", include("aimak_web.forecasts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "aimak_web.core.views.bad_request"
handler403 = "aimak_web.core.views.permission_denied"
handler404 = "aimak_web.core.views.page_not_found"
handler500 = "aimak_web.core.views.server_error"

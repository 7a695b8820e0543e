"""The read-only open-data API: each domain app registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from aimak_web.contests.api import EditionResultsViewSet
from aimak_web.places.api import MunicipalityViewSet

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="api-municipality")
router.register("contest-results", EditionResultsViewSet, basename="api-contest-results")

urlpatterns = router.urls

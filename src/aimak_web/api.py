"""The read-only open-data API: each domain app registers its viewsets on this router."""

from rest_framework.routers import DefaultRouter

from aimak_web.contests.api import EditionResultsViewSet
from aimak_web.hearings.api import AnswerViewSet, HearingViewSet, ProposalViewSet
from aimak_web.places.api import MunicipalityViewSet
from aimak_web.practices.api import PracticeViewSet

router = DefaultRouter()
router.register("municipalities", MunicipalityViewSet, basename="api-municipality")
router.register("contest-results", EditionResultsViewSet, basename="api-contest-results")
router.register("hearings", HearingViewSet, basename="api-hearing")
router.register("hearing-proposals", ProposalViewSet, basename="api-hearing-proposal")
router.register("hearing-answers", AnswerViewSet, basename="api-hearing-answer")
router.register("practices", PracticeViewSet, basename="api-practice")

urlpatterns = router.urls

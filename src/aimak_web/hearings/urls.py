from django.urls import path

from . import feeds, views

app_name = "hearings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("moderation/", views.moderation, name="moderation"),
    path("from-scenario/<int:pk>/", views.start_from_scenario, name="start_from_scenario"),
    path("feed/<str:code>/", feeds.MunicipalityHearingsFeed(), name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/step/<str:name>/", views.step, name="step"),
    path("<int:pk>/budget/", views.budget, name="budget"),
    path("<int:pk>/budget/upload/", views.budget_upload, name="budget_upload"),
    path("<int:pk>/budget-template.xlsx", views.budget_template, name="budget_template"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/paper-proposal/", views.paper_proposal, name="paper_proposal"),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/signin-sheet/", views.signin_sheet, name="signin_sheet"),
    path("<int:pk>/documents/", views.documents_page, name="documents"),
    path("document/<int:pk>/", views.document, name="document"),
    path("<int:pk>/minutes-<str:lang>.pdf", views.minutes, name="minutes"),
    path("<int:pk>/notice-<str:lang>.pdf", views.notice, name="notice"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("proposal/<int:pk>/support/", views.support, name="support"),
    path("proposal/<int:pk>/answer/", views.answer, name="answer"),
    path("<str:kind>/<int:pk>/report/", views.report_item, name="report"),
    path("<str:kind>/<int:pk>/moderate/", views.moderate_item, name="moderate"),
]

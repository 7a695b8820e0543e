from django.urls import path

from . import views
from .feeds import JournalFeed

app_name = "journal"

urlpatterns = [
    path("", views.index, name="index"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/ask/", views.ask, name="ask"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/answer/", views.answer, name="answer"),
    path("a/<int:pk>/", views.article, name="article"),
    path("a/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<str:model>/<int:pk>/step/<slug:name>/", views.step, name="step"),
    path("write/<slug:kind>/", views.article_edit, name="article_new"),
    path("desk/", views.desk, name="desk"),
    path("office/", views.office, name="office"),
    path("subscription/", views.subscription, name="subscription"),
    path("subscription/collection.pdf", views.collection, name="collection"),
    path("office/memberships/", views.memberships, name="memberships"),
    path("office/payments/", views.payments, name="payments"),
    path("office/experts/", views.experts, name="experts"),
    path("office/experts/<int:pk>/active/", views.expert_active, name="expert_active"),
    path("feed.atom", JournalFeed(), name="feed"),
    path("<slug:kind>/", views.articles, name="articles"),
]

from django.urls import path

from . import views
from .feeds import PracticesFeed

app_name = "practices"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="create"),
    path("mine/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/step/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("contest/", views.contest_index, name="contest"),
    path("contest/<int:pk>/", views.edition, name="edition"),
    path("contest/<int:pk>/enter/<int:practice_pk>/", views.enter, name="enter"),
    path("contest/<int:pk>/results/", views.results, name="results"),
    path("contest/<int:pk>/anomalies/", views.anomalies, name="anomalies"),
    path("contest/entry/<int:entry_pk>/vote/", views.vote, name="vote"),
    path("contest/entry/<int:entry_pk>/score/", views.score, name="score"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("open/practices.csv", views.open_csv, name="open_csv"),
    path("open/practices.json", views.open_json, name="open_json"),
    path("feed.atom", PracticesFeed(), name="feed"),
]

from django.urls import path

from . import views

app_name = "contests"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edition_form, name="edition_new"),
    path("archive/", views.archive, name="archive"),
    path("<int:year>/", views.edition, name="edition"),
    path("<int:year>/edit/", views.edition_form, name="edition_edit"),
    path("<int:year>/criteria/", views.criteria, name="criteria"),
    path("<int:year>/jurors/", views.jurors, name="jurors"),
    path("<int:year>/jurors/invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<int:year>/transition/", views.transition, name="transition"),
    path("<int:year>/review/", views.review, name="review"),
    path("<int:year>/review/tie/", views.tie, name="tie"),
    path("<int:year>/scores.xlsx", views.export, name="export"),
    path("<int:year>/certificate/<str:code>/<str:lang>.pdf", views.certificate,
         name="certificate"),
    path("<int:year>/apply/", views.apply, name="apply"),
    path("<int:year>/apply/evidence/", views.apply_evidence, name="apply_evidence"),
    path("<int:year>/apply/action/", views.apply_action, name="apply_action"),
    path("<int:year>/jury/", views.jury, name="jury"),
    path("<int:year>/jury/conflicts/", views.conflicts, name="conflicts"),
    path("<int:year>/jury/<str:code>/", views.jury_application, name="jury_application"),
    path("<int:year>/jury/<str:code>/file/<int:pk>/", views.jury_file, name="jury_file"),
]

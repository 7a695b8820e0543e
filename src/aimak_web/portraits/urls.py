from django.urls import path

from . import views

app_name = "portraits"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.rayon, name="rayon"),
    path("<str:code>/portrait.pdf", views.rayon_pdf, name="rayon_pdf"),
]

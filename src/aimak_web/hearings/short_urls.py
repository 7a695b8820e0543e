"""The short link of a hearing, at the site's root: ``/h/<id>`` (``/ky/h/<id>`` in Kyrgyz)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>", views.short_link, name="hearing_short"),
]

from django.urls import path

from . import views

app_name = "forecasts"

urlpatterns = [
    path("", views.index, name="index"),
    path("rayon/<str:entity>/", views.rayon, name="rayon"),
    path("rayon/<str:entity>/chart.svg", views.chart, name="chart"),
]

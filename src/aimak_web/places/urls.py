from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.index, name="index"),
    path("oblast/<str:code>/", views.oblast, name="oblast"),
    path("rayon/<str:code>/", views.rayon, name="rayon"),
    path("rayon/<str:code>/map.geojson", views.rayon_geojson, name="rayon_geojson"),
    path("m/<str:code>/", views.municipality, name="municipality"),
    path("m/<str:code>/map.geojson", views.municipality_geojson, name="municipality_geojson"),
]

from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("compare/", views.compare, name="compare"),
    path("s/<int:pk>/", views.scenario, name="scenario"),
    path("s/<int:pk>/map.geojson", views.scenario_geojson, name="scenario_geojson"),
    path("s/<int:pk>/move/", views.move, name="move"),
    path("s/<int:pk>/centre/", views.centre, name="centre"),
    path("s/<int:pk>/lock/", views.lock, name="lock"),
    path("s/<int:pk>/copy/", views.copy, name="copy"),
    path("s/<int:pk>/status/", views.set_status, name="status"),
    path("s/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("s/<int:pk>/optimise/", views.optimise, name="optimise"),
    path("s/<int:pk>/ensemble/", views.ensemble_start, name="ensemble_start"),
    path("analyses/new/", views.analysis_start, name="analysis_start"),
    path("analyses/<int:pk>/report.<str:fmt>", views.analysis_report, name="analysis_report"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
]

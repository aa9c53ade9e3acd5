from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("office/", views.office_log, name="office_log"),
    path("office/log.csv", views.office_log_csv, name="office_log_csv"),
    path("assessments/<int:pk>/history/", views.assessment_history, name="assessment_history"),
    path("deployments/<int:pk>/history/", views.deployment_history, name="deployment_history"),
]

from django.urls import path

from safeguards.accounts.views import home  # placeholder until this app's views exist

app_name = "reviews"
urlpatterns = [
    path("deployments/", home, name="deployment_list"),  # PLACEHOLDER
    path("deployments/new/", home, name="deployment_create"),  # PLACEHOLDER
    path("assessments/", home, name="assessment_list"),  # PLACEHOLDER
]

"""Assessments: overview, scoring forms, workflow."""

from django.urls import path

from safeguards.accounts.views import home  # placeholder until the views exist

urlpatterns = [
    path("assessments/", home, name="assessment_list"),  # PLACEHOLDER
]

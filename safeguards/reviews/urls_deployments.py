"""Deployments, evidence and import."""

from django.urls import path

from safeguards.accounts.views import home  # placeholder until the views exist

urlpatterns = [
    path("deployments/", home, name="deployment_list"),  # PLACEHOLDER
    path("deployments/new/", home, name="deployment_create"),  # PLACEHOLDER
]

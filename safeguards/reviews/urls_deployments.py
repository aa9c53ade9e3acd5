"""Deployments, evidence and import."""

from django.urls import path

from .views import corrections, deployments, evidence, imports

urlpatterns = [
    path("deployments/", deployments.deployment_list, name="deployment_list"),
    path("deployments/new/", deployments.deployment_create, name="deployment_create"),
    path("deployments/<int:pk>/", deployments.deployment_detail, name="deployment"),
    path("deployments/<int:pk>/edit/", deployments.deployment_edit, name="deployment_edit"),
    path("deployments/<int:pk>/evidence/", evidence.evidence_list, name="evidence_list"),
    path("deployments/<int:pk>/evidence/new/", evidence.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/download/", evidence.evidence_download, name="evidence_download"),
    # Corrections (issue 13): edit and retire evidence, archive and restore deployments.
    path("evidence/<int:pk>/edit/", corrections.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/retire/", corrections.evidence_retire, name="evidence_retire"),
    path(
        "evidence/earlier-files/<int:pk>/",
        corrections.evidence_earlier_file,
        name="evidence_earlier_file",
    ),
    path(
        "deployments/<int:pk>/archive/", corrections.deployment_archive, name="deployment_archive"
    ),
    path(
        "deployments/<int:pk>/restore/", corrections.deployment_restore, name="deployment_restore"
    ),
    path("assessments/import/", imports.import_assessment, name="import_assessment"),
]

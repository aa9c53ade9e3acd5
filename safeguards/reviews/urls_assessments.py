"""Assessments: overview, scoring forms, workflow."""

from django.urls import path

from .views import assessment_category as category
from .views import assessment_workflow as steps
from .views import assessments, corrections, executive_summary

urlpatterns = [
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("deployments/<int:pk>/assess/", assessments.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/archive/", corrections.assessment_archive, name="assessment_archive"
    ),
    path(
        "assessments/<int:pk>/restore/", corrections.assessment_restore, name="assessment_restore"
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/",
        category.assessment_category,
        name="assessment_category",
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/save-next/",
        category.assessment_category_save_next,
        name="assessment_category_save_next",
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/save-then-evidence/<str:criterion>/",
        category.assessment_category_save_then_evidence,
        name="assessment_category_save_then_evidence",
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/save-then-link/<str:criterion>/",
        category.assessment_category_save_then_link,
        name="assessment_category_save_then_link",
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/evidence/<str:criterion>/",
        category.assessment_category_evidence,
        name="assessment_category_evidence",
    ),
    path(
        "assessments/<int:pk>/categories/<str:code>/resolve/",
        category.assessment_category_resolve,
        name="assessment_category_resolve",
    ),
    path(
        "assessments/<int:pk>/next-unanswered/",
        assessments.assessment_next_unanswered,
        name="assessment_next_unanswered",
    ),
    path(
        "assessments/<int:pk>/executive-summary/",
        executive_summary.assessment_executive_summary,
        name="assessment_executive_summary",
    ),
    path("assessments/<int:pk>/submit/", steps.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/return/", steps.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/approve/", steps.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/reopen/", steps.assessment_reopen, name="assessment_reopen"),
    path(
        "assessments/<int:pk>/reassess/",
        assessments.assessment_reassess,
        name="assessment_reassess",
    ),
]

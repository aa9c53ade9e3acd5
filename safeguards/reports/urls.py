from django.urls import path

from . import letterhead, views

app_name = "reports"
urlpatterns = [
    path("assessments/<int:pk>/", views.report_page, name="assessment_report"),
    path("assessments/<int:pk>/report.pdf", views.current_pdf, name="pdf"),
    path("assessments/<int:pk>/summary.pdf", views.current_summary, name="summary_pdf"),
    path("assessments/<int:pk>/report.docx", views.current_docx, name="docx"),
    path("assessments/<int:pk>/report.json", views.current_json, name="json"),
    path("assessments/<int:pk>/report.csv", views.current_csv, name="csv"),
    path(
        "assessments/<int:pk>/versions/<int:number>/report.pdf",
        views.version_pdf,
        name="version_pdf",
    ),
    path(
        "assessments/<int:pk>/versions/<int:number>/report.json",
        views.version_json,
        name="version_json",
    ),
    path(
        "assessments/<int:pk>/versions/<int:number>/report.csv",
        views.version_csv,
        name="version_csv",
    ),
    path(
        "offices/<slug:slug>/letterhead/",
        letterhead.office_letterhead,
        name="office_letterhead",
    ),
    path("verify/", views.verify, name="verify"),
    path("verify/fingerprint/", views.verify_fingerprint_view, name="verify_fingerprint"),
    path("verify/file/", views.verify_file_view, name="verify_file"),
]

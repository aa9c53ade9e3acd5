"""The respondent's pages (namespace `respond`; the permission module confines respondents to
it)."""

from django.urls import path

from . import views_comments, views_respond

app_name = "respond"
urlpatterns = [
    path("", views_respond.respondent_home, name="requests"),
    path("requests/<int:pk>/", views_respond.respondent_request, name="request"),
    path("requests/<int:pk>/submit/", views_respond.respondent_submit, name="submit"),
    path("requests/<int:pk>/letter.pdf", views_respond.respondent_letter, name="letter_pdf"),
    path("requests/<int:pk>/request.json", views_respond.respondent_json, name="request_json"),
    path("questions/<int:pk>/answer/", views_respond.respondent_answer, name="answer"),
    path("files/<int:pk>/", views_respond.respondent_file, name="file"),
    path("drafts/<int:pk>/", views_comments.respondent_draft, name="draft"),
    path("drafts/<int:pk>/save/", views_comments.respondent_draft_save, name="draft_save"),
    path("drafts/<int:pk>/submit/", views_comments.respondent_draft_submit, name="draft_submit"),
]

"""Follow-up: the recommendations register, comparisons, the portfolio."""

from django.urls import path

from . import views, views_comments, views_compare, views_portfolio, views_requests

app_name = "followup"
urlpatterns = [
    path("recommendations/", views.register_list, name="register"),
    path("recommendations/export.csv", views.register_csv, name="register_csv"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/note/", views.recommendation_note, name="recommendation_note"),
    path(
        "recommendations/<int:pk>/resolve/",
        views.recommendation_resolve,
        name="recommendation_resolve",
    ),
    path(
        "recommendations/<int:pk>/reopen/",
        views.recommendation_reopen,
        name="recommendation_reopen",
    ),
    path(
        "recommendations/<int:pk>/close/", views.recommendation_close, name="recommendation_close"
    ),
    path(
        "recommendations/<int:pk>/supersede/",
        views.recommendation_supersede,
        name="recommendation_supersede",
    ),
    path("deployments/<int:pk>/compare/", views_compare.compare_page, name="compare"),
    path("deployments/<int:pk>/compare.csv", views_compare.compare_csv, name="compare_csv"),
    path("deployments/<int:pk>/compare.json", views_compare.compare_json, name="compare_json"),
    path("portfolio/", views_portfolio.portfolio, name="portfolio"),
    path("portfolio/export.csv", views_portfolio.portfolio_csv, name="portfolio_csv"),
    # Information requests to the operator (DESIGN.md §10).
    path("requests/", views_requests.request_list, name="requests"),
    path(
        "assessments/<int:pk>/requests/new/",
        views_requests.request_create,
        name="request_create",
    ),
    path("requests/<int:pk>/", views_requests.request_detail, name="request"),
    path("requests/<int:pk>/edit/", views_requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/questions/add/", views_requests.question_add, name="question_add"),
    path("requests/<int:pk>/send/", views_requests.request_send, name="request_send"),
    path("requests/<int:pk>/invite/", views_requests.respondent_invite, name="respondent_invite"),
    path("requests/<int:pk>/import/", views_requests.answers_import, name="answers_import"),
    path("requests/<int:pk>/letter.pdf", views_requests.letter_pdf, name="request_letter_pdf"),
    path("requests/<int:pk>/letter.docx", views_requests.letter_docx, name="request_letter_docx"),
    path("requests/<int:pk>/request.json", views_requests.request_json, name="request_json"),
    path("questions/<int:pk>/edit/", views_requests.question_edit, name="question_edit"),
    path("questions/<int:pk>/drop/", views_requests.question_drop, name="question_drop"),
    path("questions/<int:pk>/restore/", views_requests.question_restore, name="question_restore"),
    path("questions/<int:pk>/answer/", views_requests.answer_record, name="answer_record"),
    # Drafts sent for comment.
    path(
        "assessments/<int:pk>/draft-for-comment/",
        views_comments.draft_freeze,
        name="draft_freeze",
    ),
    path("drafts-for-comment/<int:pk>/", views_comments.draft_detail, name="draft_comment"),
    path("drafts-for-comment/<int:pk>/send/", views_comments.draft_send, name="draft_send"),
    path("drafts-for-comment/<int:pk>/comments/", views_comments.draft_record, name="draft_record"),
    path("drafts-for-comment/<int:pk>/draft.pdf", views_comments.draft_pdf, name="draft_pdf"),
]

"""Follow-up: the recommendations register, comparisons, the portfolio."""

from django.urls import path

from . import views, views_compare, views_portfolio

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
]

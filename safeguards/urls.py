from django.contrib import admin
from django.urls import include, path

from safeguards.accounts import views as account_views
from safeguards.reports import views as report_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("safeguards.accounts.urls")),
    path("frameworks/", include("safeguards.catalog.urls")),
    path("audit/", include("safeguards.audit.urls")),
    path("", include("safeguards.reviews.urls")),
    path("reports/", include("safeguards.reports.urls")),
    # The short verify link printed on every report PDF, as text and QR code (public).
    path("v/<str:fingerprint>/", report_views.verify_short, name="verify_short"),
    path("trust/", include("safeguards.signing.urls")),
    path("notifications/", include("safeguards.notifications.urls")),
    path("", include("safeguards.team.urls")),
    path("restrictions/", include("safeguards.restricted.urls")),
    path("", include("safeguards.followup.urls")),
    path("search/", include("safeguards.search.urls")),
    path("respond/", include("safeguards.followup.urls_respond")),
    path("admin/", admin.site.urls),
]

from django.urls import path

from safeguards.accounts.views import home  # placeholder until this app's views exist

app_name = "reports"
urlpatterns = [
    path("verify/", home, name="verify"),  # PLACEHOLDER
]

from django.urls import path

from safeguards.accounts.views import home  # placeholder until this app's views exist

app_name = "audit"
urlpatterns = [
    path("office/", home, name="office_log"),  # PLACEHOLDER
]

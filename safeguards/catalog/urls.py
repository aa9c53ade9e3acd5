from django.urls import path

from safeguards.accounts.views import home  # placeholder until this app's views exist

app_name = "catalog"
urlpatterns = [
    path("", home, name="framework_list"),  # PLACEHOLDER
]

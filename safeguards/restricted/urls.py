from django.urls import path

from . import views

app_name = "restricted"

urlpatterns = [
    path("assessments/<int:pk>/", views.restrictions, name="assessment"),
    path("assessments/<int:pk>/save/", views.save_restrictions, name="save"),
]

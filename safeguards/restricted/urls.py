from django.urls import path

from . import office_views, views

app_name = "restricted"

urlpatterns = [
    path("assessments/<int:pk>/", views.restrictions, name="assessment"),
    path("assessments/<int:pk>/save/", views.save_restrictions, name="save"),
    path("offices/<slug:slug>/", office_views.office_settings, name="office"),
    path(
        "offices/<slug:slug>/reasons/remove/",
        office_views.remove_office_reason,
        name="remove_reason",
    ),
    path("offices/<slug:slug>/access/", office_views.member_access, name="member_access"),
]

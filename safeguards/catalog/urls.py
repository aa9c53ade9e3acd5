from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("<slug:slug>/", views.framework, name="framework"),
    path("<slug:slug>/v<int:version>/", views.framework_version, name="framework_version"),
]

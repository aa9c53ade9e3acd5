from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("<slug:slug>/trust-anchor.pem", views.trust_anchor_pem_view, name="trust_anchor_pem"),
    path("<slug:slug>/trust-anchor.fdf", views.trust_anchor_fdf_view, name="trust_anchor_fdf"),
]

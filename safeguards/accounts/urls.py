from django.contrib.auth import views as auth_views
from django.urls import path

from . import member_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("offices/", views.office_list, name="offices"),
    path("offices/<slug:slug>/members/", member_views.member_list, name="members"),
    path("offices/<slug:slug>/members/invite/", member_views.member_invite, name="member_invite"),
    path("members/<int:pk>/role/", member_views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", member_views.member_remove, name="member_remove"),
    path("profile/", member_views.profile, name="profile"),
    path(
        "set-password/<uidb64>/<token>/",
        member_views.SetPasswordView.as_view(),
        name="set_password",
    ),
    path(
        "set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/set_password_done.html"
        ),
        name="set_password_done",
    ),
]

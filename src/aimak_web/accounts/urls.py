from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import role_views, views

app_name = "accounts"

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="signin"),
    path("signout/", views.SignOutView.as_view(), name="signout"),
    path("signup/", views.signup, name="signup"),
    path("me/", views.me, name="me"),
    path("me/phone/", views.phone_confirm, name="phone_confirm"),
    path("residents/", views.residents, name="residents"),
    path("me/staff-request/", role_views.request_staff, name="request_staff"),
    path("staff-requests/", role_views.staff_requests, name="staff_requests"),
    path("staff-requests/<int:pk>/decide/", role_views.staff_request_decide,
         name="staff_request_decide"),
    path("residents/<int:user_id>/confirm/", views.resident_confirm, name="resident_confirm"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
]

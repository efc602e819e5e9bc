from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_tokens

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:profile")),
        name="password_change",
    ),
    path("me/", views.profile, name="profile"),
    path("me/api-tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("me/api-tokens/<int:pk>/revoke/", views_tokens.api_token_revoke, name="api_token_revoke"),
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/send-password-email/", views.account_send_reset, name="send_reset"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/created/", views.token_created, name="token_created"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("warehouses/", views.warehouses, name="warehouses"),
]

"""Signing in and out. django-axes watches the login form and locks an account after repeated failures."""
from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule), so a link on another site cannot sign anyone out."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from parcelback.api import api

admin.site.site_header = "Parcelback"
admin.site.site_title = "Parcelback"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

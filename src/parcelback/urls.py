from django.contrib import admin
from django.urls import include, path

from parcelback.api import api
from parcelback.reverse_orders.views.lists import home

admin.site.site_header = "Parcelback"
admin.site.site_title = "Parcelback"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", home, name="home"),
    path("", include("parcelback.accounts.urls")),
    path("orders/", include("parcelback.reverse_orders.urls")),
    path("webhooks/", include("parcelback.webhooks.urls")),
    path("notifications/", include("parcelback.notifications.urls")),
    path("contacts/", include("parcelback.contacts.urls")),
    path("orders/instructions/", include("parcelback.instruction_imports.urls")),
    path("dashboard/", include("parcelback.dashboard.urls")),
]

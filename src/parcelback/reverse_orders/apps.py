from django.apps import AppConfig


class ReverseOrdersConfig(AppConfig):
    name = "parcelback.reverse_orders"
    label = "reverse_orders"
    verbose_name = "直邮逆向管理"

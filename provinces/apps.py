from django.apps import AppConfig


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = "Tỉnh và Liên minh HTX"

from django.apps import AppConfig


class ClusterPortalConfig(AppConfig):
    """The project package as an app: it carries the shared template filters."""

    name = "cluster_portal"
    verbose_name = "Cổng thông tin Cụm thi đua"

from django.apps import AppConfig


class ClusterPortalConfig(AppConfig):
    """The project package as an app: it carries the shared template filters, and watches
    every connection's writes for the write generation (cluster_portal/write_generation.py)."""

    name = "cluster_portal"
    verbose_name = "Cổng thông tin Cụm thi đua"

    def ready(self):
        from django.db.backends.signals import connection_created

        from cluster_portal.write_generation import install

        connection_created.connect(install, dispatch_uid="portal-write-generation")

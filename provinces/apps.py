from django.apps import AppConfig


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = "Tỉnh và Liên minh HTX"

    def ready(self) -> None:
        # The notices subscribe to what the figures do; the figures never import them.
        from provinces.figures.signals import figures_event
        from provinces.notices.tasks import figures_event_enqueue

        figures_event.connect(figures_event_enqueue, dispatch_uid="notices:figures_event")

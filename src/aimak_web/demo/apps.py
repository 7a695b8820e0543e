from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo's orchestration (``aimak-web demo``): it sits above every app and loads each
    one's demo data through the loaders they register in ``core.demo``."""

    name = "aimak_web.demo"
    label = "demo"

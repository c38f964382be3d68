from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "jaring.care"
    label = "care"
    verbose_name = "Victim and survivor assistance"

    def ready(self) -> None:
        from django.apps import apps

        if apps.is_installed("jaring.overview"):
            from jaring.care import overview_figures

            overview_figures.register_all()

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jaring.audit"
    label = "audit"
    verbose_name = "Audit log"

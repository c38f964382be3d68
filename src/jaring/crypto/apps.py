from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "jaring.crypto"
    label = "crypto"
    verbose_name = "Encryption keys"

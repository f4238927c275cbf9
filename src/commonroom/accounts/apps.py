from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonroom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from commonroom.accounts.mfa import record_mfa_on_activation

        authenticator_added.connect(record_mfa_on_activation, dispatch_uid="commonroom-mfa")

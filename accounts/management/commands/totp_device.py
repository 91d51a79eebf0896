import io
from typing import Any

import segno
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from accounts.two_factor import DEVICE_NAME


class Command(BaseCommand):
    help = (
        "Give a user a new authenticator (TOTP), replacing any they had, and print it to scan: how platform "
        "operators get into the platform's admin, which always asks for a code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--schema", default="public", help="the user's schema (default: the platform's)")

    def handle(self, *args: Any, **options: Any) -> None:
        with schema_context(options["schema"]):
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r} in schema {options['schema']!r}.")
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        self.stdout.write(
            f"Scan this with an authenticator app, or enter the URI by hand:\n{device.config_url}\n"
        )
        drawn = io.StringIO()
        segno.make(device.config_url, error="m").terminal(out=drawn, compact=True)
        self.stdout.write(drawn.getvalue())

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import services


class Command(BaseCommand):
    help = "Create a tenant with its own schema and host, and optionally its first admin user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="host label and schema name, e.g. acme -> acme.<BASE_DOMAIN>")
        parser.add_argument("--name", required=True, help="display name")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--plan", default="free")
        parser.add_argument("--admin-username", help="create this staff user in the tenant")
        parser.add_argument("--admin-password", help="its password (required with --admin-username)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["admin_username"] and not options["admin_password"]:
            raise CommandError("--admin-password is required with --admin-username")
        try:
            provisioned = services.do_create_tenant(
                options["name"], options["slug"], options["owner_email"], plan=options["plan"]
            )
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from None
        if options["admin_username"]:
            tenant, email = provisioned.tenant, options["owner_email"]
            username, password = options["admin_username"], options["admin_password"]
            services.do_create_tenant_user(tenant, username, email, password, staff=True)
        self.stdout.write(f"Tenant {provisioned.tenant.slug} ready at {provisioned.domain}")

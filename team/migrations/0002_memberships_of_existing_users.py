"""Every user made before roles gets one: superusers and staff are owners, members of the moderators
group moderators (made staff, so the tenant admin opens for them), everyone else an editor."""

from typing import Any

from django.db import migrations
from django.db.models import Q


def give_roles(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("auth", "User")
    Membership = apps.get_model("team", "Membership")
    owners = set(User.objects.filter(Q(is_superuser=True) | Q(is_staff=True)).values_list("pk", flat=True))
    moderators = set(User.objects.filter(groups__name="moderators").values_list("pk", flat=True)) - owners
    User.objects.filter(pk__in=moderators).update(is_staff=True)
    chosen = {pk: "editor" for pk in User.objects.values_list("pk", flat=True)}
    chosen.update({pk: "moderator" for pk in moderators})
    chosen.update({pk: "owner" for pk in owners})
    existing = set(Membership.objects.values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        Membership(user_id=pk, role=role) for pk, role in chosen.items() if pk not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("team", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(give_roles, migrations.RunPython.noop)]

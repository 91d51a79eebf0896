from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """pgvector in the public schema, which every tenant's search_path includes."""

    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [VectorExtension()]

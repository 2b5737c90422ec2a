"""The "Curators" permission group: staff who review, edit, publish and withdraw collections.

Exactly what the workflow needs: edit collections and their rows (no deleting: hide instead),
publish/withdraw, and read clients' profiles, catalogues and the global trends.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"
PERMISSIONS = [
    ("curation", "view_collection"),
    ("curation", "change_collection"),
    ("curation", "publish_collection"),
    ("curation", "view_curateditem"),
    ("curation", "add_curateditem"),
    ("curation", "change_curateditem"),
    ("curation", "view_curatedkeyword"),
    ("curation", "add_curatedkeyword"),
    ("curation", "change_curatedkeyword"),
    ("curation", "view_curationprofile"),
    ("curation", "view_product"),
    ("curation", "view_productmatch"),
    ("trends", "view_trendweek"),
    ("trends", "view_trendentry"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the group needs them now.
    for label in ("curation", "trends"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in PERMISSIONS]
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("trends", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

"""One group per newsroom role, with the admin permissions the role needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_section", "view_author", "view_tag", "view_topic", "view_collection"]
WRITE = ["add_article", "change_article", "view_article", "add_picture", "change_picture",
         "view_picture", "add_tag", "add_topic"]
EDIT = WRITE + ["delete_article", "add_section", "change_section", "add_author",
                "change_author", "change_tag", "change_topic", "add_collection",
                "change_collection", "add_collectionitem", "change_collectionitem",
                "delete_collectionitem", "view_collectionitem", "view_auditentry"]
ROLES = {
    "writer": VIEW + WRITE,
    "editor": VIEW + EDIT,
    "admin": VIEW + EDIT + ["change_publication", "view_publication"],
    "wire": VIEW + ["view_article", "view_picture"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; roles need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(
            codename__in=codenames,
            content_type__app_label__in=["news", "pictures", "newsroom"],
        ))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
        ("news", "0002_publication_row"),
        ("pictures", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

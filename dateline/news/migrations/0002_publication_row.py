from django.db import migrations


def create_publication(apps, schema_editor):
    Publication = apps.get_model("news", "Publication")
    if not Publication.objects.exists():
        Publication.objects.create()


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]
    operations = [migrations.RunPython(create_publication, migrations.RunPython.noop)]

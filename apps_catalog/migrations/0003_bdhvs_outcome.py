from django.db import migrations


def load(apps, schema_editor):
    from apps_catalog.catalogue import load_catalogue

    load_catalogue(apps.get_model("apps_catalog", "App"), apps.get_model("apps_catalog", "Outcome"))


class Migration(migrations.Migration):
    dependencies = [("apps_catalog", "0002_initial_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

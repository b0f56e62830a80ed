from django.db import migrations


def load(apps, schema_editor):
    from apps_catalog.catalogue import CATALOGUE

    App = apps.get_model("apps_catalog", "App")
    Outcome = apps.get_model("apps_catalog", "Outcome")
    for position, (slug, name, description, outcomes) in enumerate(CATALOGUE, start=1):
        app, _ = App.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        for rank, (code, label) in enumerate(outcomes, start=1):
            Outcome.objects.get_or_create(app=app, code=code, defaults={"name": label, "position": rank})


class Migration(migrations.Migration):
    dependencies = [("apps_catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

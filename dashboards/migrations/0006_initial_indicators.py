from django.db import migrations


def load(apps, schema_editor):
    from dashboards.registry import load_indicators

    load_indicators(
        apps.get_model("dashboards", "Indicator"),
        apps.get_model("apps_catalog", "App"),
        apps.get_model("apps_catalog", "Outcome"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0005_indicators"),
        ("apps_catalog", "0003_bdhvs_outcome"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

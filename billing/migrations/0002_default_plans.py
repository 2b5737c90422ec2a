"""Default plans (Trial, Starter, Growth, Scale). Stripe price ids are set per environment in the admin."""

from django.db import migrations

from billing.default_plans import create_missing


def create_plans(apps, schema_editor):
    create_missing(apps.get_model("billing", "Plan"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]

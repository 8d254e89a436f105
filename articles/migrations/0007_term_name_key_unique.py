# The unique index comes in its own migration: on PostgreSQL, altering a table in the
# transaction that just deleted rows it references fails ("pending trigger events").
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_canonical_url_web_only'),
    ]

    operations = [
        migrations.AlterField(model_name='tag', name='name_key', field=models.CharField(editable=False, max_length=200, unique=True)),
        migrations.AlterField(model_name='topic', name='name_key', field=models.CharField(editable=False, max_length=200, unique=True)),
    ]

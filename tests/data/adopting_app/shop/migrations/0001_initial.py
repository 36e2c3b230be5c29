from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [
        migrations.CreateModel(
            name="Customer",
            fields=[("email", models.EmailField()), ("phone", models.CharField(max_length=32))],
        ),
    ]

"""Tokens remember the password they were issued under; older tokens (none stored) are refused."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_token_expiry")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="auth_digest",
            field=models.CharField(default="", max_length=64),
        ),
    ]

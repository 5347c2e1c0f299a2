"""The `autocrm` command: one entry point for every job."""

from __future__ import annotations

import os
import sys

import django


def setup() -> None:
    """Configure Django and bring the database schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autocrm.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    """Run the command line."""
    from autocrm.cli.app import app

    sys.exit(app())

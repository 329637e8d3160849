#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cluster_portal.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now to report a bad environment plainly
    except ImproperlyConfigured as exc:
        sys.exit(f"Cấu hình không hợp lệ (configuration error): {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

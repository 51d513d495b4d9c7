"""`parcelback` on the command line: Django's management commands plus our own (demo, serve, token...)."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcelback.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parcelback", *sys.argv[1:]])


if __name__ == "__main__":
    main()

#!/usr/bin/env python
import os
import sys

# Commands that touch no database and no secret. The screening CLI is a contract (facts.md) that
# other systems call from a bare checkout, so it must not need production keys to start.
PURE_COMMANDS = {"screen", "screening_benchmark"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in PURE_COMMANDS:
        os.environ.setdefault("SCARPETTE_ENV", "demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

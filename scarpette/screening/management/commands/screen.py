"""`python manage.py screen FILE [--as-of YYYY-MM-DD]`: the contract's command line (facts.md).

Reads one profile (a JSON object) or a list of them from FILE, or from stdin with "-", and prints
the results as JSON. Bad input exits with status 2 and one line on stderr naming the fact: other
systems call this command, so errors must be short, parseable and never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scarpette.screening.engine import screen
from scarpette.screening.facts import FactError, parse_as_of


class InputError(Exception):
    """Bad input for the command (not a fact error): unreadable file, not JSON."""


def read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}") from None


def run(text: str, as_of: str | None) -> Any:
    """Screen the profiles in `text`. Raises InputError or FactError on bad input."""
    day: date | None = parse_as_of(as_of) if as_of is not None else None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        message = getattr(exc, "msg", None) or exc.__class__.__name__
        raise InputError(f"input is not valid JSON: {message}") from None
    if isinstance(data, list):
        results = []
        for index, profile in enumerate(data):
            try:
                results.append(screen(profile, day))
            except FactError as exc:
                raise FactError(exc.fact, f"{exc.message} (profile {index})") from None
        return results
    return screen(data, day)


def render(output: Any) -> str:
    """The command's stdout for `output` (the golden-corpus test hashes exactly this)."""
    return json.dumps(output, ensure_ascii=False, indent=2)


class Command(BaseCommand):
    help = "Screen one profile or a list of profiles (JSON) for every measure; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help='JSON file with a profile or a list, or "-" for stdin')
        parser.add_argument("--as-of", dest="as_of", help="screening date YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            output = run(read_input(options["file"]), options.get("as_of"))
        except FactError as exc:
            self._fail(f"invalid fact {exc.fact}: {exc.message}")
        except InputError as exc:
            self._fail(str(exc))
        self.stdout.write(render(output))

    def _fail(self, message: str) -> None:
        # One line, whatever the message holds (a repr of a bad value cannot add lines).
        self.stderr.write("screen: " + " ".join(message.split()))
        raise SystemExit(2)

"""The golden-corpus check: the CLI's output on a fixed corpus is byte-for-byte what it was.

The digest below was recorded after the correctness fixes of issue 13 and before any speed work.
Speed work must leave it unchanged; a change to the rules (a fix, a new parameter period, a new
catalogue text) changes it on purpose: then check the differences, and record the new digest in
the same commit as the rule change, never in a commit that only claims to make things faster.

To see what changed: `python -m scarpette.screening.tests.test_golden > /tmp/out.json` (with
DJANGO_SETTINGS_MODULE set) before and after, and diff the two files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from io import StringIO

from django.core.management import call_command

from scarpette.screening.management.commands.screen import run
from scarpette.screening.tests.corpus import SIZE, corpus

# sha256 of the whole corpus's output as compact JSON: exactly `json.dumps(run(corpus), ensure_ascii=
# False)`, computed one profile at a time so that 10,000 results never sit in memory together.
# The indented CLI rendering is a pure function of the same objects (and 20 times slower).
GOLDEN_SHA256 = "e0323d521c4ea710562aa1334d47813cfb18f28005e6c8da7d7b6446fa67080e"
# sha256 of the CLI's exact stdout (indented) for the first CLI_SLICE profiles.
CLI_SLICE = 500
GOLDEN_CLI_SHA256 = "82a2a0f00ad6cce4cb755a4e5430a8cc408cb5967a340566ab627e7523d5b8fa"


def corpus_digest() -> tuple[str, set[str]]:
    """sha256 of the engine's output for the whole corpus as one compact JSON list (what the
    CLI's `run` returns for the corpus given as a list, no --as-of), and the statuses seen."""
    digest = hashlib.sha256(b"[")
    statuses: set[str] = set()
    for index, profile in enumerate(corpus()):
        output = run(json.dumps(profile), None)
        statuses.update(r["status"] for r in output["results"])
        if index:
            digest.update(b", ")
        digest.update(json.dumps(output, ensure_ascii=False).encode("utf-8"))
    digest.update(b"]")
    return digest.hexdigest(), statuses


def cli_stdout(tmp_path) -> str:
    """What `manage.py screen FILE` prints for the first CLI_SLICE profiles."""
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps(corpus()[:CLI_SLICE]), encoding="utf-8")
    out = StringIO()
    call_command("screen", str(path), stdout=out)
    return out.getvalue()


def test_corpus_is_large_and_varied():
    profiles = corpus()
    assert len(profiles) == SIZE >= 10_000
    assert len({json.dumps(p, sort_keys=True) for p in profiles}) == SIZE
    assert len({p["as_of"] for p in profiles}) >= 8


def test_engine_output_on_the_corpus_matches_the_golden_digest():
    digest, statuses = corpus_digest()
    assert statuses == {"eligible", "not_eligible", "undetermined"}
    assert digest == GOLDEN_SHA256


def test_cli_stdout_matches_the_golden_digest_byte_for_byte(tmp_path):
    stdout = cli_stdout(tmp_path)
    assert stdout.startswith('[\n  {\n    "as_of": ')
    assert hashlib.sha256(stdout.encode("utf-8")).hexdigest() == GOLDEN_CLI_SHA256


if __name__ == "__main__":  # pragma: no cover - a debugging aid
    import django

    django.setup()
    for item in corpus():
        sys.stdout.write(json.dumps(run(json.dumps(item), None), ensure_ascii=False) + "\n")

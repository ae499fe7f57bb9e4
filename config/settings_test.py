"""The test suite's entry point: the one settings module, in test mode."""

import os

os.environ.setdefault("SCARPETTE_ENV", "test")

from config.settings import *  # noqa: E402,F403

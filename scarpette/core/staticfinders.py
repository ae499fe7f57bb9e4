"""The Bootstrap Italia assets, taken from the pinned `design-django-theme` package.

Only the files the pages use are exposed, under `static/bootstrap-italia/`: the compiled CSS (and
its source map, named by the CSS), the SVG sprite and the Titillium Web fonts (woff2). The
package's JavaScript is not exposed: no page needs it, and its font loader injects an inline style
that the CSP refuses. The package is not an installed app, so its templates (a base with
`lang="it"` and inline scripts, its own 404/500) never shadow ours. docs/decisions/0003.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "bootstrap-italia"
FILES = (
    "css/bootstrap-italia.min.css",
    "css/bootstrap-italia.min.css.map",
    "svg/sprites.svg",
    "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2",
    "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2",
    "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2",
    "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2",
    "fonts/Titillium_Web/OFL.txt",
)


def package_static_dir() -> Path:
    spec = importlib.util.find_spec("bootstrap_italia_template")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("design-django-theme is not installed (requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


class BootstrapItaliaFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=package_static_dir())
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        from django.core import checks

        missing = [name for name in FILES if not self.storage.exists(name)]
        if missing:
            return [
                checks.Error(
                    f"Bootstrap Italia files missing from design-django-theme: {missing}",
                    id="scarpette.E010",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        name = path.removeprefix(PREFIX + "/") if path.startswith(PREFIX + "/") else None
        if name in FILES:
            match = self.storage.path(name)
            return [match] if find_all else match
        return []

    def list(self, ignore_patterns):
        for name in FILES:
            yield name, self.storage

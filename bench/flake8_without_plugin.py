"""flake8 exactly as installed, minus lint-privacy: the baseline of the benchmark.

    python bench/flake8_without_plugin.py [flake8 arguments]

flake8 finds plugins through package entry points (``flake8.plugins.finder``); this wrapper
filters our distribution out of that list before flake8 starts, so pycodestyle, pyflakes and
every other installed plugin run as usual and ours is not even imported. The patch is applied at
import time of this module, so pool workers started with ``spawn`` (which re-import the main
module) get it too. ``--version`` shows the plugin list, to check.
"""

from __future__ import annotations

import sys

from flake8.plugins import finder

OURS = "lint-privacy"
_find = finder._find_importlib_plugins


def _without_ours():  # type: ignore[no-untyped-def]
    for plugin in _find():
        if plugin.package.replace("_", "-").lower() != OURS:
            yield plugin


finder._find_importlib_plugins = _without_ours

if __name__ == "__main__":
    from flake8.main.cli import main

    sys.exit(main())

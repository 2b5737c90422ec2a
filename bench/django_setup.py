"""Django for the benchmarks: the project's settings, offline ML libraries, DEBUG only so settings load."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "trendsaas.settings",
    "DEBUG": "1",  # only so settings load without a SECRET_KEY; queries are not logged
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def setup_django(**defaults: str) -> None:
    """django.setup() with DEFAULTS (and `defaults`) for variables the caller's environment leaves unset."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name, value in {**DEFAULTS, **defaults}.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()

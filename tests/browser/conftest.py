"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get update && apt-get install -y chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test bodies are
    # still synchronous and safe. Only browser sessions get the switch, not the rest of the suite.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot into test-artifacts/ (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def curators_group(transactional_db):
    """The Curators group again: live-server tests flush the data its migration created."""
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("curation.migrations.0002_curators_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.set(
        [Permission.objects.get(content_type__app_label=a, codename=c) for a, c in migration.PERMISSIONS]
    )
    return group


@pytest.fixture
def crops(settings):
    """Real evidence thumbnails for the factories' crop URLs, cut from the shared Fashionpedia photos."""
    from PIL import Image

    from tests.curation import factories

    photos = sorted((Path(__file__).resolve().parents[3] / "shared" / "media" / "photos").glob("*.jpg"))
    if not photos:
        pytest.fail("The shared test media (../shared/media/photos) is missing.")
    folder = Path(settings.MEDIA_ROOT) / "crops"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, (key, *_rest) in enumerate(factories.ITEMS + factories.KEYWORDS):
        with Image.open(photos[n % len(photos)]) as photo:
            width, height = photo.size
            top = (n * height // 11) % (height // 2)
            crop = photo.crop((0, top, width, top + height // 2)).convert("RGB")
            crop.thumbnail((320, 320))
            for i in range(2):
                path = folder / factories.crop_name(key, i)
                crop.save(path, "JPEG", quality=80)
                written.append(path)
    yield written
    for path in written:
        path.unlink(missing_ok=True)


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', email)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_load_state("networkidle")

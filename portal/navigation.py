"""The portal's sections, in sidebar order. Features register nothing: a section whose URL name
does not resolve yet links to an honest "coming soon" page until its feature ships."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str  # in the `tenant` namespace; also the section key of the coming-soon page
    icon: str  # a name from templates/partials/icon.html
    group: str
    coming: str  # what the coming-soon page promises, in plain words


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "Dashboard",
        "dashboard",
        "home",
        "Workspace",
        "A summary of this week: your published collection, what is rising and how featured products perform.",
    ),
    NavItem(
        "Trends",
        "trends",
        "trending",
        "Workspace",
        "This week's rising keywords and items among fashion and beauty creators, with early-detection flags "
        "and week-by-week history.",
    ),
    NavItem(
        "Curation",
        "curation",
        "sparkles",
        "Workspace",
        "Your weekly collection: trend items and keywords matched to your shop profile, checked by our curators "
        "before you see them.",
    ),
    NavItem(
        "Catalogue",
        "catalogue",
        "box",
        "Workspace",
        "Upload your product catalogue so trends can be tied to products you can feature, with a report of any "
        "rows that could not be read.",
    ),
    NavItem(
        "Newsletter",
        "newsletter",
        "mail",
        "Workspace",
        "The weekly trend newsletter: past issues and what the next one will contain.",
    ),
    NavItem("Team", "team", "users", "Settings", "Invite people, change their roles and remove them."),
    NavItem("API keys", "api-keys", "key", "Settings", "Create and revoke keys for the REST API."),
    NavItem(
        "Billing",
        "billing",
        "card",
        "Settings",
        "Your plan, invoices and payment method, managed through Stripe.",
    ),
)

SECTIONS = {item.url_name: item for item in NAV_ITEMS}


def section_url(item: NavItem, tenant_slug: str) -> tuple[str, bool]:
    """(href, built): the feature's own page when it exists, else its coming-soon page."""
    try:
        return reverse(f"tenant:{item.url_name}", kwargs={"tenant_slug": tenant_slug}), True
    except NoReverseMatch:
        return reverse("tenant:coming-soon", kwargs={"tenant_slug": tenant_slug, "section": item.url_name}), False


def nav_for(tenant_slug: str, path: str) -> list[dict]:
    """Sidebar entries for one request, with the section containing `path` marked active."""
    entries = []
    for item in NAV_ITEMS:
        href, built = section_url(item, tenant_slug)
        entries.append({"item": item, "href": href, "built": built})
    # The longest matching URL prefix wins, so /app/x/trends/42/ highlights Trends, not Dashboard.
    matching = [
        e for e in entries if path == e["href"] or (path.startswith(e["href"]) and e["item"].url_name != "dashboard")
    ]
    active = max(matching, key=lambda e: len(e["href"]), default=None)
    for entry in entries:
        entry["active"] = entry is active
    return entries

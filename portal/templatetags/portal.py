"""Template tags of the portal shell: `{% load portal %}{% portal_nav %}`, `{% icon "key" %}`."""

from django import template

from portal.navigation import nav_for

register = template.Library()


@register.inclusion_tag("partials/nav.html", takes_context=True)
def portal_nav(context: template.Context) -> dict:
    request = context["request"]
    groups: dict[str, list[dict]] = {}
    for entry in nav_for(request.tenant.slug, request.path):
        groups.setdefault(entry["item"].group, []).append(entry)
    return {"groups": groups}


@register.inclusion_tag("partials/icon.html")
def icon(name: str, size: int = 18) -> dict:
    return {"name": name, "size": size}

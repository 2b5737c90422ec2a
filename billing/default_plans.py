"""The plans a fresh install starts with; staff edit them (and set Stripe price ids) in the admin.

Used by migration 0002 with the historical model and by `ensure_default_plans`: keep the fields
to those the Plan model had at migration 0002 (or move newer ones into a new migration).
"""

from __future__ import annotations

from typing import Any

# (slug, name, description, fields). Amounts in cents are for display; Stripe's prices are charged.
DEFAULT_PLANS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("trial", "Trial", "Everything in Growth, free for the trial period.",
     {"is_trial": True, "is_public": False, "sort_order": 0, "seats": 3, "api_access": True,
      "api_rate_limit": "60/min", "items_per_week": 20, "keywords_per_week": 20, "catalogue_size": 500,
      "csv_export": True}),
    ("starter", "Starter", "Weekly trends and collections in the portal.",
     {"sort_order": 10, "monthly_amount": 4900, "yearly_amount": 49000, "seats": 3, "api_access": False,
      "items_per_week": 10, "keywords_per_week": 10, "catalogue_size": 500, "csv_export": False}),
    ("growth", "Growth", "API access, CSV export and bigger collections.",
     {"sort_order": 20, "monthly_amount": 14900, "yearly_amount": 149000, "seats": 10, "api_access": True,
      "api_rate_limit": "600/min", "items_per_week": 30, "keywords_per_week": 30, "catalogue_size": 5000,
      "csv_export": True}),
    ("scale", "Scale", "Unlimited seats and catalogue, the highest API rate.",
     {"sort_order": 30, "monthly_amount": 44900, "yearly_amount": 449000, "seats": None, "api_access": True,
      "api_rate_limit": "3000/min", "items_per_week": 50, "keywords_per_week": 50, "catalogue_size": None,
      "csv_export": True}),
]  # fmt: skip


def create_missing(plan_model: Any) -> list[str]:
    """Create the default plans that are missing (existing ones are left as staff edited them)."""
    created = []
    for slug, name, description, fields in DEFAULT_PLANS:
        defaults = {"name": name, "description": description, **fields}
        if plan_model.objects.get_or_create(slug=slug, defaults=defaults)[1]:
            created.append(slug)
    return created

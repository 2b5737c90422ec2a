"""Portal forms: the curation profile and the catalogue upload."""

from __future__ import annotations

import re

from django import forms

from analysis.models import Segment
from billing.entitlements import Entitlements
from curation.catalogue import MAX_CSV_BYTES
from curation.models import MAX_PER_WEEK, CurationProfile
from curation.taxonomy import CATEGORIES, REGIONS

COUNTRY = re.compile(r"^[A-Z]{2}$")


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


class ProfileForm(forms.Form):
    segments = forms.MultipleChoiceField(
        choices=Segment.choices, widget=forms.CheckboxSelectMultiple, required=False, help_text="None ticked = all."
    )
    include_categories = forms.MultipleChoiceField(
        choices=[(c, c.title()) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only items of these categories. None ticked = every category.",
    )
    exclude_categories = forms.MultipleChoiceField(
        choices=[(c, c.title()) for c in CATEGORIES], widget=forms.CheckboxSelectMultiple, required=False
    )
    exclude_brands = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Comma-separated. Trends naming them, evidence posts mentioning them and your products of "
        "these brands are left out.",
    )
    audience = forms.CharField(required=False, max_length=200, help_text="Who you sell to; our curators read it.")
    creator_regions = forms.MultipleChoiceField(
        choices=[(code, label) for code, (label, _) in REGIONS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    creator_countries = forms.CharField(
        required=False, help_text="ISO country codes, comma-separated (e.g. KR, JP). Empty with no region = anywhere."
    )
    items_per_week = forms.IntegerField(min_value=1, max_value=MAX_PER_WEEK)
    keywords_per_week = forms.IntegerField(min_value=0, max_value=MAX_PER_WEEK)

    def __init__(self, *args, plan: Entitlements, read_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["items_per_week"].help_text = f"Your plan includes up to {plan.items_per_week} a week."
        self.fields["keywords_per_week"].help_text = f"Your plan includes up to {plan.keywords_per_week} a week."
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    @classmethod
    def initial_from(cls, profile: CurationProfile) -> dict:
        return {
            "segments": profile.segments,
            "include_categories": profile.include_categories,
            "exclude_categories": profile.exclude_categories,
            "exclude_brands": ", ".join(profile.exclude_brands),
            "audience": profile.audience,
            "creator_regions": profile.creator_regions,
            "creator_countries": ", ".join(profile.creator_countries),
            "items_per_week": profile.items_per_week,
            "keywords_per_week": profile.keywords_per_week,
        }

    def clean_segments(self) -> list[str]:
        chosen = self.cleaned_data["segments"]
        outside = sorted(set(chosen) - set(self.plan.segments))
        if outside:
            raise forms.ValidationError(f"Your plan does not include: {', '.join(outside)}.")
        return chosen

    def clean_exclude_brands(self) -> list[str]:
        brands = _split(self.cleaned_data["exclude_brands"])
        if any(len(b) > 80 for b in brands) or len(brands) > 200:
            raise forms.ValidationError("At most 200 brands of at most 80 characters each.")
        return brands

    def clean_creator_countries(self) -> list[str]:
        codes = [c.upper() for c in _split(self.cleaned_data["creator_countries"])]
        bad = [c for c in codes if not COUNTRY.match(c)]
        if bad:
            raise forms.ValidationError(f"Not two-letter ISO country codes: {', '.join(bad)}.")
        return sorted(set(codes))

    def clean_items_per_week(self) -> int:
        value = self.cleaned_data["items_per_week"]
        if value > self.plan.items_per_week:
            raise forms.ValidationError(f"Your plan includes up to {self.plan.items_per_week} items a week.")
        return value

    def clean_keywords_per_week(self) -> int:
        value = self.cleaned_data["keywords_per_week"]
        if value > self.plan.keywords_per_week:
            raise forms.ValidationError(f"Your plan includes up to {self.plan.keywords_per_week} keywords a week.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        both = set(data.get("include_categories") or []) & set(data.get("exclude_categories") or [])
        if both:
            raise forms.ValidationError(f"A category cannot be both included and excluded: {', '.join(sorted(both))}.")
        return data

    def save(self, profile: CurationProfile, user) -> CurationProfile:
        for name, value in self.cleaned_data.items():
            setattr(profile, name, value)
        profile.updated_by = user
        profile.save()
        return profile


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label="Catalogue CSV",
        help_text="UTF-8 CSV with a header row: sku, title, category, colour, brand, price, currency, url, "
        "image_url, in_stock. Rows are matched by SKU: existing products are updated.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
        return upload

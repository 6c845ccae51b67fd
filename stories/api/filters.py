"""Query filters of `GET /api/v1/stories/` (django-filter, so OpenAPI documents them)."""

import django_filters as filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from stories.api import selectors
from stories.api.pagination import in_calendar
from stories.models import Story


class CalendarDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time that is still a date-time in UTC: SQLite compares them converted,
    and 9999-12-31T23:59:59-14:00 would be in the year 10000 there."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not in_calendar(moment):
            raise ValidationError(
                "Out of range: in UTC this falls outside the years 1 to 9999.", code="invalid"
            )
        return moment


class CalendarDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = CalendarDateTimeField


class StoryFilter(filters.FilterSet):
    """Narrow the public story list; a value that does not parse is a 400 naming the filter."""

    template = filters.CharFilter(
        field_name="template__slug", help_text="Template slug, e.g. `explainer`."
    )
    entity = filters.CharFilter(
        method="filter_entity", help_text="Entity slug: stories about or mentioning it."
    )
    outlet = filters.CharFilter(
        method="filter_outlet", help_text="Outlet domain, e.g. `apnews.com`: stories citing it."
    )
    q = filters.CharFilter(
        method="filter_q",
        help_text='Full-text search in headline, summary and sections ("phrase", or, -not).',
    )
    published_after = CalendarDateTimeFilter(
        field_name="published_at",
        lookup_expr="gt",
        help_text="Published strictly after this ISO 8601 date-time.",
    )
    published_before = CalendarDateTimeFilter(
        field_name="published_at",
        lookup_expr="lt",
        help_text="Published strictly before this ISO 8601 date-time.",
    )
    updated_since = CalendarDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Changed at or after this ISO 8601 date-time (for incremental syncs).",
    )

    class Meta:
        model = Story
        fields = []

    def filter_entity(self, queryset, name, value):
        return selectors.stories_with_entity(queryset, slug=value)

    def filter_outlet(self, queryset, name, value):
        return selectors.stories_citing_outlet(queryset, domain=value)

    def filter_q(self, queryset, name, value):
        return selectors.stories_search(queryset, q=value)

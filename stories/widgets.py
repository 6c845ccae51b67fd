"""Admin form pieces that keep a story's change page at a fixed number of queries.

Django's autocomplete and select widgets each query the database when they render, so an
inline with 30 citations would cost 30 queries more. These read from objects the inline's
queryset has already joined instead.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class PrefetchedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its selected value from an object the form already holds."""

    known_objects: dict[str, object] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.known_objects.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            label = self.choices.field.label_from_instance(self.known_objects[key])
            default[1].append(self.create_option(name, key, label, True, len(default[1])))
        return [default]


class PrefetchedRelationsForm(forms.ModelForm):
    """A model form whose autocomplete fields named in `prefetched` read the instance's
    already-joined related object rather than querying for its label."""

    prefetched: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.prefetched:
            field = self.fields.get(name)
            related_id = getattr(self.instance, f"{name}_id", None)
            if field is None or related_id is None:
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PrefetchedAutocompleteSelect):
                widget.known_objects = {str(related_id): getattr(self.instance, name)}


def set_static_choices(field: forms.ModelChoiceField, choices: list[tuple]) -> None:
    """Give a select field a fixed list of choices, on the field and every widget wrapping it,
    so rendering it does not run its queryset again."""
    field.choices = choices
    widget = field.widget
    while widget is not None:
        widget.choices = choices
        widget = getattr(widget, "widget", None)


class PrefetchedAutocompleteMixin:
    """Use the query-free autocomplete widget for every field in `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

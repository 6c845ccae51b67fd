"""Fast rendering of the story page's many plain widgets.

A long story has hundreds of inputs; their Django templates are plain markup, so they are
written here in Python, byte for byte as the templates would (tests/stories/test_admin_perf.py
holds them equal).
"""

import functools

from django.templatetags.static import static
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from stories.templatetags.story_admin import attrs_html

# Widgets whose Django templates are plain <input>/<textarea> markup: written in Python (the
# same bytes, see tests/stories/test_admin_perf.py), since a long story has hundreds of them.
_INPUT_TEMPLATES = {
    "django/forms/widgets/text.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/checkbox.html",
    "django/forms/widgets/hidden.html",
}
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_DATE_TEMPLATE = "admin/widgets/date.html"  # AdminDateWidget: the input in <p class="date">
_URL_TEMPLATE = "admin/widgets/url.html"  # AdminURLFieldWidget: "Currently: <link>" first
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _is_plain(cls) -> bool:
    if cls.template_name == _SELECT_TEMPLATE:
        return getattr(cls, "option_template_name", None) == _OPTION_TEMPLATE
    return cls.template_name in {
        *_INPUT_TEMPLATES,
        _TEXTAREA_TEMPLATE,
        _DATE_TEMPLATE,
        _URL_TEMPLATE,
    }


class QuickWidget:
    """Renders an input or textarea widget without the template engine, byte for byte as
    Django's templates would."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        attributes = attrs_html(widget["attrs"])
        if self.template_name == _SELECT_TEMPLATE:
            return mark_safe(self._select(widget, attributes))  # noqa: S308 - escaped
        if self.template_name == _TEXTAREA_TEMPLATE:
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            html = f'<textarea name="{conditional_escape(widget["name"])}"{attributes}>\n'
            return mark_safe(f"{html}{text}</textarea>\n")  # noqa: S308 - every part escaped
        value_html = ""
        if widget["value"] is not None:
            value_html = f' value="{conditional_escape(str(widget["value"]))}"'
        html = (
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{value_html}{attributes}>\n'
        )
        if self.template_name == _DATE_TEMPLATE:
            html = f'<p class="date">\n  {html}\n\n</p>\n'
        elif self.template_name == _URL_TEMPLATE:
            if context["url_valid"]:
                html = (
                    f'<p class="url">{conditional_escape(context["current_label"])} '
                    f'<a href="{conditional_escape(widget["href"])}">'
                    f"{conditional_escape(widget['value'])}</a><br>"
                    f"{conditional_escape(context['change_label'])} {html}</p>"
                )
            html += "\n"
        else:
            html += "\n"
        return mark_safe(html)  # noqa: S308 - every part escaped

    @staticmethod
    def _select(widget, attributes: str) -> str:
        parts = [f'<select name="{conditional_escape(widget["name"])}"{attributes}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                value = conditional_escape(str(option["value"]))
                label = conditional_escape(option["label"])
                parts.append(
                    f'\n  <option value="{value}"{attrs_html(option["attrs"])}>{label}</option>\n'
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)


_WRAPPER_TEMPLATE = "admin/widgets/related_widget_wrapper.html"
# The links `related_widget_wrapper.html` writes after a related field's widget, in its order.
_RELATED_LINKS = (
    ("can_change_related", "change", "change_related_template_url", "url_params", "changelink"),
    ("can_add_related", "add", "add_related_url", "url_params", "addlink"),
    ("can_delete_related", "delete", "delete_related_template_url", "url_params", "deletelink"),
    (
        "can_view_related",
        "view",
        "change_related_template_url",
        "view_related_url_params",
        "viewlink",
    ),
)
_RELATED_TITLES = {
    "change": gettext_lazy("Change selected %(model)s"),
    "add": gettext_lazy("Add another %(model)s"),
    "delete": gettext_lazy("Delete selected %(model)s"),
    "view": gettext_lazy("View selected %(model)s"),
}


class QuickRelatedWidgetWrapper:
    """The admin's add/change/view links around a related field (a long story has about 90 of
    them), written in Python as `related_widget_wrapper.html` writes them."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        ref = (
            ""
            if context["model_has_limit_choices_to"]
            else (f'data-model-ref="{conditional_escape(context["model_name"])}"')
        )
        links = []
        for flag, kind, url_key, params_key, icon in () if context["is_hidden"] else _RELATED_LINKS:
            if not context[flag]:
                continue
            url = (
                f"{conditional_escape(context[url_key])}?{conditional_escape(context[params_key])}"
            )
            if kind == "add":
                target = f' data-popup="yes" href="{url}"'
            else:
                popup = "" if kind == "view" else ' data-popup="yes"'
                target = f' data-href-template="{url}"{popup}'
            title = conditional_escape(_RELATED_TITLES[kind] % {"model": context["model"]})
            links.append(
                f'<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_'
                f'{conditional_escape(context["name"])}"{target} title="{title}">'
                f'<img src="{conditional_escape(static(f"admin/img/icon-{icon}.svg"))}" alt="" '
                f'width="24" height="24"></a>'
            )
        return mark_safe(  # noqa: S308 - every part escaped
            f'<div class="related-widget-wrapper" {ref}>\n{context["rendered_widget"]}\n'
            f"{''.join(links)}\n</div>\n"
        )


@functools.cache
def _quick_class(cls):
    base = QuickRelatedWidgetWrapper if cls.template_name == _WRAPPER_TEMPLATE else QuickWidget
    return type(f"Quick{cls.__name__}", (base, cls), {})


def _quicken(widget) -> None:
    while widget is not None:
        cls = type(widget)
        quick = issubclass(cls, QuickWidget | QuickRelatedWidgetWrapper)
        if not quick and (_is_plain(cls) or cls.template_name == _WRAPPER_TEMPLATE):
            widget.__class__ = _quick_class(cls)
        widget = getattr(widget, "widget", None)


class QuickPartForms:
    """Inlines of a story's parts: their plain inputs render without the template engine, and
    stacked ones through `stories/admin/stacked_inline.html` (fieldsets written in Python)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            _quicken(field.widget)

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            # The formset adds DELETE, the primary key and the story's key (hidden inputs) to
            # each form, not to the form class.
            for name in ("DELETE", formset.model._meta.pk.name, formset.fk.name):
                if name in form.fields:
                    _quicken(form.fields[name].widget)

        return type(formset.__name__, (formset,), {"add_fields": add_fields})

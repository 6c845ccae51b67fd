"""The story change page's long inlines (30 citations, 15 FAQ items…) rendered in Python.

Django's `admin/includes/fieldset.html` walks a dozen template conditions per field; over the
hundreds of fields of a long explainer that was most of the page's time. `inline_fieldsets`
writes the same markup (same classes and ids, so the admin's CSS and inline JavaScript work
unchanged) from Python.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _name(field) -> str:
    # An editable field wraps a BoundField; a read-only one a dict describing the field.
    return field.field["name"] if field.is_readonly else field.field.name


def attrs_html(attrs: dict) -> str:
    """HTML attributes as Django's `attrs.html` writes them (True: the bare name; False: none)."""
    return "".join(
        ""
        if value is False
        else f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
    )


def _label(field) -> str:
    """`AdminField.label_tag()` without the template engine: the same <label>."""
    if field.is_readonly:
        return field.label_tag()  # already plain Python in Django
    bound = field.field
    classes = []
    if field.is_checkbox:
        classes.append("vCheckboxLabel")
    if bound.field.required:
        classes.append("required")
    if not field.is_first:
        classes.append("inline")
    attrs = {"class": " ".join(classes)} if classes else {}
    contents = conditional_escape(bound.label)
    if field.is_checkbox:
        suffix = ""
    elif bound.field.label_suffix is not None:
        suffix = bound.field.label_suffix
    else:
        suffix = bound.form.label_suffix
    if suffix and contents and contents[-1] not in _(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    widget = bound.field.widget
    id_ = widget.attrs.get("id") or bound.auto_id
    if not id_:
        return str(contents)
    id_for_label = widget.id_for_label(id_)
    if id_for_label:
        attrs = {**attrs, "for": id_for_label}
    if bound.field.required and hasattr(bound.form, "required_css_class"):
        css = bound.form.required_css_class
        attrs["class"] = f"{attrs['class']} {css}" if "class" in attrs else css
    return f"<label{attrs_html(attrs)}>{contents}</label>"


def _field(field, single: bool) -> str:
    name = _name(field)
    bound = None if field.is_readonly else field.field
    # An empty error list still costs a template render: only ask when there are errors.
    errors = "" if single or field.is_readonly or not bound.errors else str(field.errors())
    box = "flex-container"
    if not single:
        box += " fieldBox"
        if name:
            box += f" field-{name}"
        if bound is not None and bound.errors:
            box += " errors"
        if bound is not None and bound.is_hidden:
            box += " hidden"
    if field.is_checkbox:
        box += " checkbox-row"
        inner = f"{bound}{_label(field)}"
    elif field.is_readonly:
        inner = f'{_label(field)}<div class="readonly">{field.contents()}</div>'
    else:
        inner = f"{_label(field)}{bound}"
    help_text = field.field["help_text"] if field.is_readonly else bound.help_text
    help_html = ""
    if help_text:
        hidden = " hidden" if bound is not None and bound.is_hidden else ""
        label_id = "" if bound is None else bound.id_for_label
        id_attr = format_html(' id="{}_helptext"', label_id) if label_id else ""
        help_html = f'<div class="help{hidden}"{id_attr}><div>{help_text}</div></div>'
    return f'<div>{errors}<div class="{box}">{inner}</div>{help_html}</div>'


def _line(line) -> str:
    fields = list(line)
    single = len(line.fields) == 1
    has_errors = any(not f.is_readonly and f.field.errors for f in fields)
    line_errors = str(line.errors()) if single and has_errors else ""
    classes = "form-row"
    if single and line_errors:
        classes += " errors"
    if not line.has_visible_field:
        classes += " hidden"
    classes += "".join(f" field-{_name(f)}" for f in fields if _name(f))
    body = "".join(_field(f, single) for f in fields)
    if not single:
        body = f'<div class="flex-container form-multiline">{body}</div>'
    return f'<div class="{classes}">{line_errors}{body}</div>'


@register.simple_tag
def inline_fieldsets(inline_admin_form, prefix, parent_counter):
    """Every fieldset of one inline form, as `admin/includes/fieldset.html` would write it."""
    out = []
    for counter, fieldset in enumerate(inline_admin_form):
        heading_id = f"{prefix}-{parent_counter}-{counter}-heading"
        opening = format_html('<fieldset class="module aligned {}"', fieldset.classes)
        if fieldset.name:
            opening += format_html(' aria-labelledby="{}"', heading_id)
        out.append(opening + ">")
        if fieldset.name:
            out.append(
                format_html(
                    '<h4 id="{}" class="fieldset-heading">{}</h4>', heading_id, fieldset.name
                )
            )
        if fieldset.description:
            out.append(f'<div class="description">{fieldset.description}</div>')
        out.extend(_line(line) for line in fieldset)
        out.append("</fieldset>")
    # Labels, widgets, errors and read-only contents arrive escaped (SafeString) from Django;
    # help texts and descriptions are HTML by design, as in the admin's own template.
    return mark_safe("".join(out))  # noqa: S308

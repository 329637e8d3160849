"""The portal's look for every form, in one place (settings.FORM_RENDERER).

A form drawn with `{{ form }}`, a field with `{{ field.as_field_group }}` and a formset
with `{{ formset }}` use the templates under templates/forms/; a widget drawn alone
(`{{ field }}`, as the pages with their own layout do) gets its Bootstrap class from
`PortalBoundField` whatever form it belongs to: forms no longer set classes on their
widgets. The widgets' own templates stay Django's (the admin keeps its look); an error
list drawn alone (`{{ field.errors }}`) is Django's list with Bootstrap's text classes
added (templates/django/forms/errors/list/ul.html)."""

from django.forms import BoundField, widgets
from django.forms.renderers import TemplatesSetting

CHECKS = (widgets.CheckboxInput, widgets.RadioSelect, widgets.CheckboxSelectMultiple)


def widget_css(widget: widgets.Widget) -> str:
    """Bootstrap's class for a widget: form-check-input, form-select or form-control."""
    if isinstance(widget, CHECKS):
        return "form-check-input"
    if isinstance(widget, widgets.Select):  # SelectMultiple too
        return "form-select"
    if widget.is_hidden or isinstance(widget, widgets.MultiWidget):
        return ""
    return "form-control"


def widget_classes(widget: widgets.Widget, *, invalid: bool = False) -> str:
    """The widget's class attribute: Bootstrap's class first, then what the widget itself
    asks for (a size, `text-end`), then `is-invalid`; each once."""
    names = [widget_css(widget), *widget.attrs.get("class", "").split()]
    if invalid:
        names.append("is-invalid")
    return " ".join(dict.fromkeys(name for name in names if name))


class PortalBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        invalid = bool(self.errors) and not widget.is_hidden
        classes = widget_classes(widget, invalid=invalid)
        if classes:
            attrs["class"] = classes
        return attrs  # Django's aria-describedby names the help text and the error

    @property
    def layout(self) -> str:
        """How the field template lays the field out: "check" (a tick box after its
        input), "choices" (radios or tick boxes under a legend), "hidden" or "control"."""
        widget = self.field.widget
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, widgets.CheckboxInput):
            return "check"
        if isinstance(widget, widgets.RadioSelect | widgets.CheckboxSelectMultiple):
            return "choices"
        return "control"


class PortalFormRenderer(TemplatesSetting):
    """Django's renderer reading templates through settings.TEMPLATES (templates/ first,
    then django.forms' own widget templates), with the portal's form, field and formset
    templates and bound field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    formset_template_name = "forms/formset.html"
    bound_field_class = PortalBoundField

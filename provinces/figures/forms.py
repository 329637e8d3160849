from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField
from cluster_portal.numbers import NumberFormatError, VietnameseNumberField, parse_vn_number
from provinces.figures.models import YearlyFigures
from provinces.figures.spec import BY_CODE, CODES, by_section, precision_problem


class FigureField(VietnameseNumberField):
    """An indicator's input: an amount has no more decimals than its indicator allows,
    refused with the message of the one precision rule (spec.precision_problem), which the
    model's validation applies on every other path (upload, admin, API); a count is read
    as a whole number ("“12,5” phải là số nguyên")."""

    def __init__(self, *, code: str, **kwargs):
        self.code = code
        super().__init__(integer=not BY_CODE[code].money, **kwargs)

    def to_python(self, value):
        if BY_CODE[self.code].money and isinstance(value, str) and value.strip():
            try:
                problem = precision_problem(self.code, parse_vn_number(value))
            except NumberFormatError:
                problem = None  # the reader's own message, below
            if problem:
                raise ValidationError(problem, code="precision")
        return super().to_python(value)


class FigureFieldsMixin:
    """The indicators' inputs of a form of yearly figures (the portal's and the admin's):
    each a FigureField, and a figure refused there left out of the cross-field rules."""

    def use_figure_fields(self) -> None:
        for code in CODES:
            if code in self.fields:
                given = self.fields[code]
                self.fields[code] = FigureField(
                    code=code,
                    label=given.label,
                    help_text=given.help_text,
                    error_messages={"required": f"Chưa nhập “{BY_CODE[code].label}”."},
                )

    def clean(self):
        data = super().clean()
        # A figure refused above is not in the record the rules check: without this the
        # record's old value (0 for a new one) would be checked against the others and
        # give errors the user did not make ("profit 177 > revenue 0").
        for code in CODES:
            if code in self._errors:
                setattr(self.instance, code, None)
        return data


class FiguresForm(FigureFieldsMixin, forms.ModelForm):
    """The yearly figures, every rule from the model's validation (figures_rules)."""

    seen_version = SeenVersionField()

    class Meta:
        model = YearlyFigures
        fields = list(CODES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in CODES:
            self.fields[code].label = BY_CODE[code].shown_label
            self.fields[code].help_text = BY_CODE[code].shown_unit
        self.use_figure_fields()
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.instance.version
        elif not self.instance.pk and not self.is_bound:
            # A new record starts blank, not zero, so that every figure is entered on purpose.
            self.initial.update(dict.fromkeys(CODES))

    def sections(self):
        return [
            (title, [self[indicator.code] for indicator in indicators])
            for _, title, indicators in by_section()
        ]

    def _update_errors(self, errors: ValidationError) -> None:
        # Rules about the year or the province (fixed by the URL) show above the form.
        if hasattr(errors, "error_dict"):
            moved = {
                key: value for key, value in errors.error_dict.items() if key not in self.fields
            }
            for key in moved:
                del errors.error_dict[key]
            for messages in moved.values():
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(messages)
        super()._update_errors(errors)


class ActionForm(forms.Form):
    """A life-cycle button: it carries the version of the record the page showed."""

    seen_version = SeenVersionField()


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi lý do.")},
    )


class SubmitForm(ActionForm):
    explanation = forms.CharField(
        label=_("Giải trình các cảnh báo"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cluster_portal.locking import SeenVersionField
from cluster_portal.number_style import format_exact
from provinces.figures.spec import BY_CODE, CODES, by_section
from provinces.models import YearlyFigures
from provinces.spreadsheets.numbers import NumberFormatError, parse_vn_number


class VietnameseNumberField(forms.Field):
    """A number typed the Vietnamese way ("11.084", "1.637,5"), shown the same way."""

    def __init__(self, *, integer: bool, decimal_places: int = 2, max_digits: int = 14, **kwargs):
        self.integer, self.decimal_places, self.max_digits = integer, decimal_places, max_digits
        attrs = {"inputmode": "numeric" if integer else "decimal", "autocomplete": "off"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | Decimal):
            return value
        try:
            number = parse_vn_number(value, integer=self.integer)
        except NumberFormatError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if not self.integer:
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                raise ValidationError(
                    f"Nhập tối đa {self.decimal_places} chữ số sau dấu phẩy.", code="decimal_places"
                )
            if abs(number) >= Decimal(10) ** (self.max_digits - self.decimal_places):
                raise ValidationError("Số quá lớn.", code="max_digits")
        elif abs(number) > 2_000_000_000:
            raise ValidationError("Số quá lớn.", code="max_value")
        return number

    def prepare_value(self, value):
        return format_exact(value) if isinstance(value, int | Decimal) else value


class FiguresForm(forms.ModelForm):
    """The yearly figures, every rule from the model's validation (figures_rules)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = YearlyFigures
        fields = list(CODES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in CODES:
            indicator = BY_CODE[code]
            self.fields[code] = VietnameseNumberField(
                integer=not indicator.money,
                label=indicator.label,
                help_text=indicator.unit,
                error_messages={"required": f"Chưa nhập “{indicator.label}”."},
            )
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
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Cần ghi lý do."},
    )


class SubmitForm(ActionForm):
    explanation = forms.CharField(
        label="Giải trình các cảnh báo",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

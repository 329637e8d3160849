"""Forms of the scoring pages. Per-criterion forms build their fields from objects the
page has loaded, so rendering adds no query; points and targets are read by the portal's
one number reader (cluster_portal.numbers): "2,5" and "2.5" are 2,5, "12.858" is 12 858."""

import html
from decimal import Decimal

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cluster_portal.form_rendering import widget_classes
from cluster_portal.locking import SeenVersionField
from cluster_portal.number_style import format_exact
from cluster_portal.numbers import (
    NumberFormatError,
    VietnameseNumberField,
    parse_vn_number,
    vn_formfield,
)

from .models import Criterion, CriterionKind
from .rules import LATE_REPORTS, BandsError, bands_text, indicator_choices, parse_bands

DATE_FORMATS = ["%d/%m/%Y"]
DATE_ERROR = {"invalid": _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")}


class PointsField(forms.CharField):
    """A score: blank, or a non-negative number with at most one decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 12})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        if len(text.replace(" ", "")) > 12:
            raise forms.ValidationError(_("Điểm quá dài."))
        try:
            number = parse_vn_number(text)  # quoted as typed in its message
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        if number < 0 or number > 9999:
            raise forms.ValidationError(
                gettext("“%(text)s” không phải là điểm hợp lệ.") % {"text": text}
            )
        return number


class TargetField(forms.CharField):
    """A member's target, written the Vietnamese way: 12.241 or 1.637,5; blank clears it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            number = parse_vn_number(text[:20])
        except NumberFormatError as exc:
            raise forms.ValidationError(str(exc)) from None
        if number < 0 or number >= Decimal(10) ** 12:
            raise forms.ValidationError(
                gettext("Chỉ tiêu “%(text)s” phải từ 0 đến dưới 1.000 tỷ.") % {"text": text}
            )
        if number != number.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                gettext("Chỉ tiêu “%(text)s” có quá 2 chữ số thập phân.") % {"text": text}
            )
        return number


def _style(form: forms.Form) -> None:
    for bound in form.visible_fields():
        _style_widget(bound.field.widget)


def _style_widget(widget: forms.Widget) -> None:
    """The scoring pages' inputs are the small ones (a sheet has 80 criteria); Bootstrap's
    class itself comes from the portal's renderer (cluster_portal.form_rendering)."""
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return
    small = "form-select-sm" if isinstance(widget, forms.Select) else "form-control-sm"
    widget.attrs.setdefault("class", small)


class SheetForm(forms.Form):
    """Every input of a member's sheet page: which ones an action reads depends on the
    action (self-score, cross-check, answer, settle). Field names carry the criterion id."""

    version = SeenVersionField()

    def __init__(self, *args, leaves: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves

        def text(label: str) -> forms.CharField:
            widget = forms.Textarea(attrs={"rows": 2, "placeholder": label})
            return forms.CharField(label=label, widget=widget, required=False, max_length=2000)

        # One field of each kind, styled, then a shallow copy per criterion (its own
        # label; the widget, validators and messages shared, none of them changed per
        # field): a sheet of 80 criteria has 640 fields, each made and deep-copied by
        # Django otherwise.
        kinds = {
            "self": PointsField(),
            "just": text(_("Giải trình, minh chứng")),
            "cross": PointsField(),
            "reason": text(_("Lý do chênh lệch")),
            "answer": forms.ChoiceField(
                label=_("Ý kiến"),
                required=False,
                choices=[("", "—"), ("agree", _("Đồng ý")), ("contest", _("Không đồng ý"))],
            ),
            "comment": text(_("Ý kiến của tỉnh")),
            "settle": PointsField(),
            "note": text(_("Nội dung kết luận")),
        }
        for field in kinds.values():
            _style_widget(field.widget)
        labels = {"self": "Tự chấm", "cross": "Cụm chấm", "settle": "Kết luận"}
        labels = {name: gettext(text) for name, text in labels.items()}  # sheet_rows marks them
        fields = self.fields
        self._static_attrs: dict = {}
        for c in leaves:
            for name, prototype in kinds.items():
                field = object.__new__(type(prototype))
                field.__dict__.update(prototype.__dict__)
                if name in labels:
                    field.label = f"{labels[name]} {c.number}"
                fields[f"{name}-{c.pk}"] = field

    def entries(self, points: str, text: str, only: set[int] | None = None) -> dict:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"{points}-{c.pk}"), data.get(f"{text}-{c.pk}") or "")
            for c in self.leaves
            if only is None or c.pk in only
        }

    def field(self, name: str, criterion: Criterion) -> "PlainInput | UnboundInput":
        key = f"{name}-{criterion.pk}"
        field = self.fields[key]
        widget = field.widget
        if (
            self.is_bound
            or self.prefix
            or self.auto_id != "id_%s"
            or field.required
            or field.disabled
            or field.help_text
            or "id" in widget.attrs
        ):
            return PlainInput(self[key])
        # The page as read (no data, so no errors): the attributes are the widget's, the
        # same for every criterion, written once per kind; then the input's own id.
        attrs = self._static_attrs.get(id(widget))
        if attrs is None:
            shown = {**widget.attrs, "class": widget_classes(widget)}  # as the renderer's
            attrs = self._static_attrs[id(widget)] = _attrs_html(shown)
        value = widget.format_value(field.prepare_value(self.get_initial_for_field(field, key)))
        own_id = f"id_{key}"
        return UnboundInput(self, field, key, own_id, f'{attrs} id="{escaped(own_id)}"', value)


class PlainInput:
    """A sheet input that renders itself: the HTML Django's widget templates write for a
    text or date input, a textarea or a select (same attributes in the same order, `aria-invalid`
    on an error, the value or the selected option), written in Python instead of a
    template per input (a sheet of 80 criteria has 160 of them). Anything else (`errors`,
    `id_for_label`, `label`) is the bound field's."""

    __slots__ = ("bound",)

    def __init__(self, bound):
        self.bound = bound

    def __getattr__(self, name):
        return getattr(self.bound, name)

    def __html__(self) -> str:
        bound = self.bound
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({}, widget)
        if bound.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", bound.auto_id)
        attrs = widget.build_attrs(widget.attrs, attrs)
        value = widget.format_value(bound.value())
        html = _widget_html(widget, escaped(bound.html_name), _attrs_html(attrs), value)
        return str(bound) if html is None else html

    __str__ = __html__


class UnboundInput(PlainInput):
    """A sheet input of the page as read (`SheetForm.field` on an unbound form): what
    `PlainInput` writes for it, from the widget's attributes written once per kind, its
    id and its initial value; no errors. Anything else is the bound field's (made then)."""

    __slots__ = ("form", "field", "html_name", "id_for_label", "attrs", "value")
    errors = ()

    def __init__(self, form, field, html_name: str, id_for_label: str, attrs: str, value):
        self.form, self.field, self.html_name = form, field, html_name
        self.id_for_label, self.attrs, self.value = id_for_label, attrs, value

    def __getattr__(self, name):
        return getattr(self.form[self.html_name], name)

    @property
    def label(self):
        return self.field.label

    def __html__(self) -> str:
        html = _widget_html(self.field.widget, escaped(self.html_name), self.attrs, self.value)
        assert html is not None, "a sheet input is a text input, a textarea or a select"
        return html

    __str__ = __html__


def _widget_html(widget, name: str, html_attrs: str, value) -> str | None:
    """The HTML of Django's widget template for a text or date input, a textarea or a
    select without groups; None for any other widget."""
    kind = type(widget)
    if kind is forms.Select and not any(
        isinstance(label, list | tuple) for _, label in widget.choices
    ):
        options = "".join(
            f'\n  <option value="{escaped(option)}"{selected}>{escaped(label)}</option>\n'
            for option, selected, label in _options(widget.choices, value)
        )
        return mark_safe(f'<select name="{name}"{html_attrs}>{options}\n</select>')  # noqa: S308
    if kind is forms.Textarea:
        text = escaped(value or "")
        return mark_safe(f'<textarea name="{name}"{html_attrs}>\n{text}</textarea>')  # noqa: S308
    if kind is not forms.TextInput and kind is not forms.DateInput:
        return None
    shown = f' value="{escaped(value)}"' if value is not None else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'<input type="{escaped(widget.input_type)}" name="{name}"{shown}{html_attrs}>'
    )


def escaped(value) -> str:
    """What `conditional_escape` returns (the text of an object with `__html__`, else the
    escaped text), without its lazy-string wrapper: called for every value of a sheet."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs_html(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {escaped(name)}")
        elif value is not False:
            parts.append(f' {escaped(name)}="{escaped(value)}"')
    return "".join(parts)


def _options(choices, value: list[str]):
    chosen = False
    for option, label in choices:
        selected = not chosen and str(option if option is not None else "") in value
        chosen |= selected
        yield (
            option if option is not None else "",
            " selected" if selected else "",
            label,
        )


class EvidenceForm(forms.Form):
    version = SeenVersionField()
    criterion = forms.TypedChoiceField(label=_("Minh chứng cho tiêu chí"), coerce=int)
    file = forms.FileField(
        label=_("Tệp (PDF, ảnh, Word, Excel, PowerPoint; tối đa 5 MB)"),
        max_length=255,
        error_messages={"required": _("Chọn tệp minh chứng.")},
    )

    def __init__(self, *args, leaves: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.pk, f"{c.number}. {c.title}") for c in leaves]
        _style(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeFromRankingForm(forms.Form):
    award_type = forms.TypedChoiceField(label=_("Hình thức khen thưởng"), coerce=int)
    provinces = forms.TypedMultipleChoiceField(
        label=_("Đề nghị"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, award_types: list, ranking: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].choices = [(t.pk, t.name) for t in award_types]
        self.fields["provinces"].choices = [
            (s.key.province.pk, f"{s.rank}. {s.key.province.alliance_name}") for s in ranking
        ]
        _style(self)


class CriterionForm(forms.ModelForm):
    group = forms.TypedChoiceField(
        label=_("Thuộc nhóm"), coerce=int, required=False, empty_value=None
    )
    bands_text = forms.CharField(
        label=_("Khung điểm"),
        required=False,
        max_length=500,
        help_text=_(
            "Ví dụ: ≥ 100: 15; ≥ 80: 10; còn lại: 5 (với chỉ tiêu giao: phần trăm hoàn thành)."
        ),
    )

    class Meta:
        model = Criterion
        fields = ["number", "title", "kind", "max_points", "indicator", "denominator"]
        formfield_callback = vn_formfield

    def __init__(self, *args, groups: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the groups the page loaded: validating them adds no query.
        self._groups = {g.pk: g for g in groups if g.pk != self.instance.pk}
        self.fields["group"].choices = [("", "— Cấp cao nhất —")] + [
            (g.pk, f"{g.number}. {g.title}") for g in self._groups.values()
        ]
        choices = [("", "—"), *indicator_choices()]
        self.fields["indicator"] = forms.ChoiceField(
            label=_("Chỉ tiêu số liệu"), choices=choices, required=False
        )
        self.fields["denominator"] = forms.ChoiceField(
            label=_("Mẫu số (tính tỷ lệ %)"), choices=choices, required=False
        )
        if self.instance.pk:
            self.initial["bands_text"] = bands_text(self.instance.bands)
            self.initial["group"] = self.instance.parent_id
        _style(self)

    def clean(self):
        data = super().clean()
        self.instance.parent = self._groups.get(data.get("group"))
        kind = data.get("kind")
        try:
            bands = parse_bands(data.get("bands_text") or "")
        except BandsError as exc:
            self.add_error("bands_text", str(exc))
            bands = []
        if kind in (CriterionKind.TARGET, CriterionKind.BAND):
            if not data.get("indicator"):
                self.add_error("indicator", "Chọn chỉ tiêu số liệu của tiêu chí tính từ số liệu.")
            if not bands and "bands_text" not in self.errors:
                self.add_error("bands_text", "Ghi khung điểm.")
        elif kind == CriterionKind.PENALTY and data.get("indicator") in ("", LATE_REPORTS):
            bands = []  # fed by the late reports when it names them, else scored by hand
        elif kind == CriterionKind.PENALTY:
            self.add_error(
                "indicator",
                f"Tiêu chí trừ điểm chỉ đọc được “{LATE_REPORTS}” (báo cáo nộp muộn).",
            )
        else:
            data["indicator"], bands = "", []
        if kind != CriterionKind.BAND:
            data["denominator"] = ""
        self.instance.bands = bands
        return data


class TargetsForm(forms.Form):
    def __init__(self, *args, criteria: list, members: list, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = []
        for c in criteria:
            for m in members:
                name = f"t-{c.pk}-{m.pk}"
                self.fields[name] = TargetField(label=f"{c.number} — {m.name}")
                value = targets.get((c.pk, m.pk))
                if value is not None:
                    self.initial[name] = format_exact(value)
                self.keys.append((name, c.pk, m.pk))
        _style(self)

    def values(self) -> dict:
        return {(c, m): self.cleaned_data.get(name) for name, c, m in self.keys}


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Ngày ký giao ước"), input_formats=DATE_FORMATS, error_messages=DATE_ERROR
    )


class NewAgreementForm(forms.Form):
    total_points = VietnameseNumberField(
        integer=False,
        label=_("Tổng điểm tối đa"),
        min_value=1,
        max_value=1000,
        decimal_places=1,
        initial=100,
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp bảng tiêu chí (.xlsx hoặc .csv)"), max_length=255)

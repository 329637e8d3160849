"""Optimistic locking for records two people can edit (loans, cooperatives, the
conference record, nominations, cluster terms; yearly figures have their own in
provinces.figures.services).

Each such model has a `version` field. A form carries the version its editor loaded
(`seen_version`); the service, inside its transaction, locks the row, compares, and
refuses a stale save with `StaleRecordError` (the view shows the message and keeps what
was typed), or moves the version on. Nothing is silently overwritten.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils import timezone

STALE_HINT = "Số bạn vừa nhập vẫn còn dưới đây: hãy mở lại bản mới nhất, đối chiếu rồi lưu lại."


class StaleRecordError(Exception):
    """Someone else saved the record after the editor loaded it (message in Vietnamese)."""


def stale_message(current: models.Model) -> str:
    """Who saved the record last and when, from its history when it has one."""
    who, when = "người khác", ""
    history = getattr(current, "history", None)
    if history is not None:
        last = history.select_related("history_user").first()
        if last is not None:
            if last.history_user is not None:
                who = last.history_user.get_username()
            when = " lúc " + timezone.localtime(last.history_date).strftime("%H:%M %d/%m/%Y")
    return f"Bản ghi đã được {who} lưu{when}, sau khi bạn mở biểu mẫu. {STALE_HINT}"


def version_claim(record: models.Model, *, seen_version: int | None) -> None:
    """Within the caller's transaction: lock the stored row, refuse if its version is not
    `seen_version`, and set the record's next version. New records start at 1."""
    if record.pk is None:
        record.version = 1
        return
    current = type(record)._default_manager.select_for_update().filter(pk=record.pk).first()
    if current is None:
        raise StaleRecordError(
            f"Bản ghi đã bị người khác xóa sau khi bạn mở biểu mẫu. {STALE_HINT}"
        )
    if seen_version is None or current.version != seen_version:
        raise StaleRecordError(stale_message(current))
    record.version = current.version + 1


class SeenVersionField(forms.IntegerField):
    """The version the editor loaded, carried through the form as a hidden field."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2_000_000_000)
        super().__init__(**kwargs)


class FormKeyField(forms.UUIDField):
    """A key generated when a create form is shown: a second submission of the same form
    (double click, back and resend) finds the record the first one made."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version loaded and refuses a stale save as a form
    error. The row stays locked (select_for_update) until the caller's transaction ends,
    so wrap the save in the same transaction (the admin's change view does)."""

    seen_version = SeenVersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.instance.version

    def clean(self):
        data = super().clean()
        try:
            version_claim(self.instance, seen_version=data.get("seen_version"))
        except StaleRecordError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class VersionedAdminMixin:
    """Admin change forms with optimistic locking (see VersionedModelForm)."""

    form = VersionedModelForm

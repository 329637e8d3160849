"""Optimistic locking, the one home for every record two people can edit and every
life-cycle action on one (yearly figures, disbursements, cooperatives, the conference record,
nominations, cluster terms, the scoring agreement and score sheets, achievement reports,
a cluster-year's deadlines and report settings; in the admin also provinces, clusters and
their membership rows, award types, award quotas and vote rules).

Each such model has a `version` field. A page (form or life-cycle button), the admin, the
upload confirm and the API carry the version the user loaded (`seen_version`); the
service, inside its transaction, locks the row (select_for_update), compares, and refuses
a stale write with `StaleRecordError` (or a feature's subclass of it; the view shows the
message and keeps what was typed), or moves the version on by one. A missing version is
stale: nothing is written on a guess. Nothing is silently overwritten.

- `version_claim`: an edit (the record carries the new values; its version is set next).
- `version_lock`: a life-cycle action (returns the locked row, its version moved on; the
  caller changes its state and saves it, simple-history recording who and why).
- `same_as_stored` / `keep_version`: an edit that changes nothing is not saved (no
  history entry, no new version); the yearly figures and the deadlines use it.
- `claimed_save`: the insert of a record two people may create at the same moment (one
  per cluster-year, province-year, nomination): the loser's unique-constraint error is a
  stale save, not a database error.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from .numbers import VietnameseIntegerField, is_ascii_digits

# Lazy: a refusal adds it in the reader's language (`_with_hint`).
STALE_HINT = gettext_lazy(
    "Số bạn vừa nhập vẫn còn dưới đây: hãy mở lại bản mới nhất, đối chiếu rồi lưu lại."
)


def _with_hint(message: str) -> str:
    return f"{message} {STALE_HINT}"


class StaleRecordError(Exception):
    """Someone else saved the record after the editor loaded it (message in the reader's language).
    `current_version` is the version stored now (None: the record is gone), so that a page
    showing both may let the editor save again once they have compared."""

    def __init__(self, message: str, *, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


def stale_message(current: models.Model) -> str:
    """Who saved the record last and when, from its history when it has one."""
    who, when = None, None
    history = getattr(current, "history", None)
    if history is not None:
        last = history.select_related("history_user").first()
        if last is not None:
            if last.history_user is not None:
                who = last.history_user.get_username()
            when = timezone.localtime(last.history_date).strftime("%H:%M %d/%m/%Y")
    if who is None:
        who = gettext("người khác")
    if when is None:
        message = gettext("Bản ghi đã được %(who)s lưu, sau khi bạn mở biểu mẫu.")
    else:
        message = gettext("Bản ghi đã được %(who)s lưu lúc %(when)s, sau khi bạn mở biểu mẫu.")
    return _with_hint(message % {"who": who, "when": when})


def version_claim(
    record: models.Model,
    *,
    seen_version: int | None,
    key: dict | None = None,
    stale: type[StaleRecordError] = StaleRecordError,
) -> models.Model | None:
    """Within the caller's transaction: lock the stored row, refuse if its version is not
    `seen_version` (None, nothing sent, is refused too), and set the record's next
    version. New records start at 1. Returns the stored row as it was (None: new record).

    `key` is for a record found by what it is about rather than by its id (a cluster-year's
    deadlines, its report settings, a member's score sheet): the stored row is the one
    matching `key`, which another editor may have created after this form was opened;
    `seen_version` 0 then means the editor saw none. Save such a record with
    `claimed_save`. `stale` is the error raised (a feature's subclass of StaleRecordError)."""
    rows = type(record)._default_manager.select_for_update()
    if key is not None:
        current = rows.filter(**key).first()
        if current is None:
            if seen_version != 0:
                message = _deleted() if seen_version else stale_none()
                raise stale(message, current_version=None)
            record.pk, record.version = None, 1
            return None
        record.pk = current.pk
    elif record.pk is None:
        record.version = 1
        return None
    else:
        current = rows.filter(pk=record.pk).first()
        if current is None:
            raise stale(_deleted(), current_version=None)
    if seen_version is None or current.version != seen_version:
        raise stale(stale_message(current), current_version=current.version)
    record.version = current.version + 1
    return current


def locked_at_version(
    record: models.Model,
    *,
    seen_version: int | None,
    stale: type[StaleRecordError] = StaleRecordError,
    queryset: models.QuerySet | None = None,
) -> models.Model:
    """Within the caller's transaction: the stored row of `record`, locked, if it is still
    at `seen_version`; a missing version or a gone row is stale too. `queryset` adds what
    the caller reads with the row (select_related)."""
    rows = queryset if queryset is not None else type(record)._default_manager.all()
    current = rows.select_for_update().filter(pk=record.pk).first()
    if current is None:
        raise stale(_deleted(), current_version=None)
    if seen_version is None or current.version != seen_version:
        raise stale(stale_message(current), current_version=current.version)
    return current


def same_as_stored(record: models.Model, current: models.Model | None) -> bool:
    """Whether an edit would store nothing new: every concrete field of `record` equals the
    stored row `current` (version_claim's return), apart from the id, the version and
    auto_now stamps. Call it after full_clean (values typed), before saving; a record with
    child rows edited with it (inlines) must compare those too. A caller that finds the
    record unchanged saves nothing (no history entry) and gives `record` the stored
    version back (`keep_version`)."""
    if current is None:
        return False
    for field in record._meta.concrete_fields:
        if field.primary_key or field.name == "version" or getattr(field, "auto_now", False):
            continue
        if getattr(record, field.attname) != getattr(current, field.attname):
            return False
    return True


def keep_version(record: models.Model, current: models.Model) -> models.Model:
    """An unchanged edit: the record keeps the stored version (version_claim moved it on)."""
    record.version = current.version
    return record


def version_lock(
    record: models.Model,
    *,
    seen_version: int | None,
    stale: type[StaleRecordError] = StaleRecordError,
    queryset: models.QuerySet | None = None,
) -> models.Model:
    """A life-cycle action (submit, return, approve, reopen, sign, lock, a nomination's
    step...): `locked_at_version`, with the version moved on by one. The caller checks
    the state, changes it and saves the row returned (with `_history_user` and
    `_change_reason` for its history), then may `version_follow` the caller's copy."""
    current = locked_at_version(record, seen_version=seen_version, stale=stale, queryset=queryset)
    current.version += 1
    return current


def version_follow(record: models.Model, saved: models.Model) -> models.Model:
    """After a life-cycle action saved `saved`: the caller's copy takes its version (and
    stays otherwise as it was), so that a caller holding it can take the next step."""
    if record is not saved:
        record.version = saved.version
    return saved


def stale_none() -> str:
    """The refusal of a write that did not say which version it was made on."""
    return _with_hint(gettext("Không rõ bạn đã mở phiên bản nào của bản ghi, nên chưa lưu gì."))


def claimed_save(
    record: models.Model, *, stale: type[StaleRecordError] = StaleRecordError, **save_options
) -> None:
    """Save a record that may be new: one whose version was claimed by `key`, or any record
    found by what it is about (one per cluster-year, per province-year, per nomination).
    Two editors creating the same record at the same moment both find none; the second
    insert then fails on the unique constraint, and that is a stale save too, raised as
    `stale` (the caller's transaction stays usable)."""
    try:
        with transaction.atomic():
            record.save(**save_options)
    except IntegrityError:
        raise stale(created_meanwhile(), current_version=1) from None


def created_meanwhile() -> str:
    """The refusal of a record someone else created at the same moment."""
    return _with_hint(gettext("Người khác vừa tạo bản ghi này cùng lúc với bạn."))


def _deleted() -> str:
    return _with_hint(gettext("Bản ghi đã bị người khác xóa sau khi bạn mở biểu mẫu."))


def posted_version(request, name: str = "version") -> int | None:
    """The version a page's button posted (a hidden field); None when missing or not
    ASCII digits ("２", "2_0" are no version), which the services refuse as stale."""
    text = request.POST.get(name, "").strip()
    return int(text) if is_ascii_digits(text) and len(text) <= 10 else None


class SeenVersionField(VietnameseIntegerField):
    """The version the editor loaded, carried through the form as a hidden field and read
    by the one number reader (cluster_portal.numbers)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2_000_000_000)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return str(value) if isinstance(value, int) else value


class FormKeyField(forms.UUIDField):
    """A key generated when a create form is shown: a second submission of the same form
    (double click, back and resend) finds the record the first one made."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class SeenVersionModelForm(forms.ModelForm):
    """A model form that carries the version of the record it was opened on (0 when it
    showed none: a record found by its key may be created by someone else meanwhile)."""

    seen_version = SeenVersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["seen_version"] = self.instance.version if self.instance.pk else 0


def form_saved(request, form: SeenVersionModelForm, save: Callable[..., object]) -> int | None:
    """A settings page's save: on a valid POST, `save(by=…, seen_version=…)` (the
    feature's versioned service, bound to its record). None when it saved (the caller
    says so and redirects); else the status to show the form again with, what was typed
    kept: 200 not posted, 400 invalid or refused by the service (its reasons on the
    form), 409 stale (the service's message on top of the form)."""
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return 400
    try:
        save(by=request.user, seen_version=form.cleaned_data["seen_version"])
    except StaleRecordError as exc:
        form.add_error(None, str(exc))
        return 409
    except ValidationError as exc:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for field, messages in errors.items():
            form.add_error(field if field in form.fields else None, messages)
        return 400
    return None


class VersionedModelForm(SeenVersionModelForm):
    """A model form that carries the version loaded and refuses a stale save as a form
    error. The row stays locked (select_for_update) until the caller's transaction ends,
    so wrap the save in the same transaction (the admin's change view does)."""

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

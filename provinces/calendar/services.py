"""Writes on the calendar."""

from django.db import transaction
from django.utils import timezone

from .models import Deadlines


class StaleDeadlinesError(Exception):
    """Someone else saved the deadlines after the editor loaded them (message in Vietnamese).
    `current_version` lets the form be saved again once the editor has looked."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


@transaction.atomic
def deadlines_save(*, deadlines: Deadlines, by, seen_version: int) -> Deadlines:
    """Create or update a cluster-year's deadlines, refusing to overwrite a change someone
    made after the editor opened the form (optimistic locking; `seen_version` 0 = new)."""
    current = (
        Deadlines.objects.select_for_update()
        .filter(cluster_id=deadlines.cluster_id, year=deadlines.year)
        .first()
    )
    current_version = current.version if current else 0
    if current_version != seen_version:
        last = current.history.select_related("history_user").first() if current else None
        who = last.history_user.get_username() if last and last.history_user else "người khác"
        when = timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")
        raise StaleDeadlinesError(
            f"Lịch hạn nộp đã được {who} lưu lúc {when}, sau khi bạn mở trang. Các ngày bạn "
            "vừa nhập vẫn còn dưới đây: hãy đối chiếu rồi lưu lại.",
            current_version=current_version,
        )
    if current is not None:
        deadlines.pk = current.pk
    deadlines.version = current_version + 1
    deadlines.full_clean()
    deadlines._history_user = by
    deadlines._change_reason = "Đặt hạn nộp" if current is None else "Sửa hạn nộp"
    deadlines.save()
    return deadlines

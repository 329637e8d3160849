"""The fund-disbursement register: writes (services) and the yearly totals (selector)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from cluster_portal.locking import locked_at_version, version_claim
from provinces.models import Cooperative, Disbursement, Fund, Province
from provinces.organisation.selectors import merged_into


def borrower_find_or_create(
    *, province: Province, name: str, kind: str, by=None
) -> tuple[Cooperative, bool]:
    """The directory entry of that name (case, accents and spacing aside) in the
    province's directory or its predecessors', or a new one."""
    candidates = Cooperative.objects.matching(name).filter(
        province__in=[province, *province.predecessors.all()]
    )
    found = sorted(candidates, key=lambda c: c.province_id != province.pk)
    if found:
        return found[0], False
    cooperative = Cooperative(province=province, name=name, kind=kind)
    cooperative.full_clean()
    cooperative._history_user = by
    cooperative.save()
    return cooperative, True


@transaction.atomic
def disbursement_save(
    *, disbursement: Disbursement, by, seen_version: int | None = None
) -> Disbursement:
    """Save one loan. An existing loan is saved only if it still is at `seen_version`
    (optimistic locking: `StaleRecordError` otherwise)."""
    version_claim(disbursement, seen_version=seen_version)
    disbursement.full_clean()
    disbursement._history_user = by
    disbursement.save()
    return disbursement


@dataclass
class LoanRecorded:
    disbursement: Disbursement
    borrower_created: bool = False
    repeated: bool = False  # the same create form was submitted before: nothing new saved


def disbursement_record(
    *,
    disbursement: Disbursement,
    borrower_name: str,
    borrower_kind: str,
    by,
    seen_version: int | None = None,
    form_key: uuid.UUID | None = None,
) -> LoanRecorded:
    """One "add loan" or "edit loan" action, all or nothing: the borrower is found in (or
    added to) the directory and the loan saved in one transaction, so a loan refused (an
    invalid date, a stale edit) leaves no new borrower behind. A create repeated with the
    same `form_key` (double submission) returns the loan the first one made."""
    if disbursement.pk is None and form_key is not None:
        earlier = Disbursement.objects.filter(form_key=form_key).first()
        if earlier is not None:
            return LoanRecorded(earlier, repeated=True)
        disbursement.form_key = form_key
    try:
        with transaction.atomic():
            borrower, created = borrower_find_or_create(
                province=disbursement.province, name=borrower_name, kind=borrower_kind, by=by
            )
            disbursement.borrower = borrower
            disbursement_save(disbursement=disbursement, by=by, seen_version=seen_version)
    except IntegrityError:
        # Two submissions of one form at the same moment: the other one made the loan.
        earlier = form_key and Disbursement.objects.filter(form_key=form_key).first()
        if not earlier:
            raise
        return LoanRecorded(earlier, repeated=True)
    return LoanRecorded(disbursement, borrower_created=created)


@transaction.atomic
def disbursement_delete(*, disbursement: Disbursement, by, seen_version: int | None) -> None:
    """Delete the loan the user saw at `seen_version` (`StaleRecordError` otherwise)."""
    current = locked_at_version(disbursement, seen_version=seen_version)
    current._history_user = by
    current.delete()


@dataclass
class FundTotals:
    count: int = 0
    amount: Decimal = Decimal(0)

    def add(self, count: int, amount: Decimal) -> None:
        self.count += count
        self.amount += amount


@dataclass
class DisbursementTotals:
    """Number of loans and amount, all funds and the HTX development fund alone, per
    member province and for the cluster. A province formed by a merger during the year
    also carries its predecessors' loans of that year (each loan stays recorded against
    the unit valid on its date)."""

    year: int
    all_funds: dict[int, FundTotals] = field(default_factory=lambda: defaultdict(FundTotals))
    htx_dev: dict[int, FundTotals] = field(default_factory=lambda: defaultdict(FundTotals))
    cluster_all: FundTotals = field(default_factory=FundTotals)
    cluster_htx_dev: FundTotals = field(default_factory=FundTotals)


def disbursement_totals(*, provinces: list[Province], year: int) -> DisbursementTotals:
    """Two queries whatever the number of provinces and loans."""
    member_ids = {p.pk for p in provinces}
    counted_for = {p.pk: p.pk for p in provinces}
    for successor_id, predecessors in merged_into(provinces, year).items():
        for predecessor in predecessors:
            counted_for.setdefault(predecessor.pk, successor_id)
    rows = (
        Disbursement.objects.in_year(year)
        .filter(province__in=counted_for)
        .values("province", "fund")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    totals = DisbursementTotals(year=year)
    for row in rows:
        member = counted_for[row["province"]]
        if member not in member_ids:
            continue
        totals.all_funds[member].add(row["count"], row["amount"])
        totals.cluster_all.add(row["count"], row["amount"])
        if row["fund"] == Fund.HTX_DEV:
            totals.htx_dev[member].add(row["count"], row["amount"])
            totals.cluster_htx_dev.add(row["count"], row["amount"])
    return totals

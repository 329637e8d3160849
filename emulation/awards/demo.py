"""Demo rows of the award-history register: what the 2023 Tây Bắc nominees and the members
ranked above Lai Châu had received before 2023, so that the achievement reports have their
tables and the minutes' reason for proposing Lai Châu (ranked 6th) rests on the register.
The decision numbers and dates are invented (the seed article gives none). Idempotent."""

import datetime

from django.contrib.auth import get_user_model

from emulation.nominees.models import Household, Person
from provinces.disbursements.models import Cooperative
from provinces.organisation.selectors import province_for_code

from .models import AwardRecord

# Names in full, as the achievement reports print them.
VCA = "Liên minh Hợp tác xã Việt Nam"
MERIT = "Bằng khen của Chủ tịch Liên minh Hợp tác xã Việt Nam"
FLAG = "Cờ thi đua của Ban Chấp hành Liên minh Hợp tác xã Việt Nam"
# (province code in 2023, cooperative or None for the alliance, year, award, number, date,
# issuer or None for the province's alliance)
ROWS = [
    ("25", None, 2021, FLAG, "28/QĐ-LMHTXVN", datetime.date(2022, 1, 20), VCA),
    ("10", None, 2022, MERIT, "15/QĐ-LMHTXVN", datetime.date(2023, 1, 16), VCA),
    ("15", None, 2022, MERIT, "15/QĐ-LMHTXVN", datetime.date(2023, 1, 16), VCA),
    ("14", None, 2022, MERIT, "15/QĐ-LMHTXVN", datetime.date(2023, 1, 16), VCA),
    ("17", None, 2022, MERIT, "15/QĐ-LMHTXVN", datetime.date(2023, 1, 16), VCA),
    ("12", None, 2019, MERIT, "41/QĐ-LMHTXVN", datetime.date(2020, 1, 17), VCA),
    ("25", "HTX DVNN và điện năng Vĩnh Lại", 2022, "Giấy khen", "07/QĐ-LMHTX", None, None),
    ("15", "HTX dịch vụ tổng hợp Thắng Lợi", 2022, "Giấy khen", "05/QĐ-LMHTX", None, None),
    ("14", "HTX dịch vụ nông nghiệp Mường Tấc", 2022, "Giấy khen", "09/QĐ-LMHTX", None, None),
    ("10", "HTX NN Hảo Anh", 2022, "Giấy khen", "06/QĐ-LMHTX", None, None),
    ("11", "HTX SX VLXD Hà Nam Bình", 2022, "Giấy khen", "04/QĐ-LMHTX", None, None),
    ("17", "HTX đa ngành nghề Tâm Cương Tân Minh", 2022, "Giấy khen", "08/QĐ-LMHTX", None, None),
]


def award_register_demo_seed() -> int:
    """Write the rows not yet in the register; returns how many were written."""
    admin = get_user_model().objects.filter(is_superuser=True).first()
    written = 0
    for code, cooperative_name, year, award, number, day, issuer in ROWS:
        province = province_for_code(code, 2023)
        record = AwardRecord(year=year, decision_number=number)
        if cooperative_name:
            cooperative = Cooperative.objects.filter(province=province).matching(cooperative_name)
            record.cooperative = cooperative.first()
            if record.cooperative is None:
                continue
            record.award = f"{award} của {province.legal_name}"
            record.decision_date = day or datetime.date(year + 1, 1, 10)
            record.issuer = issuer or province.legal_name
            existing = AwardRecord.objects.filter(cooperative=record.cooperative)
        else:
            record.alliance = province
            record.award, record.decision_date, record.issuer = award, day, issuer
            existing = AwardRecord.objects.filter(alliance=province)
        if existing.filter(year=year, decision_number=number).exists():
            continue
        _save(record, admin)
        written += 1
    return written + _people_and_households_seed(admin)


# The demo's individual and household (emulation/demo.py), by province code in 2023:
# (year, award, number, date, issuer).
OTHERS = {
    ("12", "person"): (
        2021,
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Lai Châu",
        "112/QĐ-UBND",
        datetime.date(2022, 1, 25),
        "Ủy ban nhân dân tỉnh Lai Châu",
    ),
    ("17", "household"): (
        2022,
        "Giấy khen của Chủ tịch Ủy ban nhân dân huyện Đà Bắc",
        "35/QĐ-UBND",
        datetime.date(2023, 1, 12),
        "Ủy ban nhân dân huyện Đà Bắc",
    ),
}


def _people_and_households_seed(admin) -> int:
    written = 0
    for (code, kind), (year, award, number, day, issuer) in OTHERS.items():
        province = province_for_code(code, 2023)
        model = Person if kind == "person" else Household
        unit = model.objects.filter(province=province).first()
        if (
            unit is None
            or AwardRecord.objects.filter(
                **{kind: unit, "year": year, "decision_number": number}
            ).exists()
        ):
            continue
        record = AwardRecord(
            **{kind: unit},
            year=year,
            award=award,
            decision_number=number,
            decision_date=day,
            issuer=issuer,
        )
        _save(record, admin)
        written += 1
    return written


def _save(record: AwardRecord, admin) -> None:
    record.full_clean()
    record._history_user = admin
    record._change_reason = "Dữ liệu mẫu"
    record.save()

"""Award types the portal ships (loaded on migrate); admins can add more."""

from provinces.organisation.reference import upsert

AWARD_TYPES = [
    ("emulation-flag", "Cờ thi đua của Ban Chấp hành Liên minh HTX Việt Nam", 1),
    ("certificate-of-merit", "Bằng khen của Chủ tịch Liên minh HTX Việt Nam", 2),
]


def load_award_types(AwardType) -> None:
    for code, name, order in AWARD_TYPES:
        upsert(AwardType, {"code": code}, {"name": name, "order": order})

"""The news post drafted from the record: the conference (date, venue, guests, topics,
recommendations), the cluster's approved figures of the year (`cluster_report`, the one
truth every reader and file shows), the difficulties the report prints, the awards the
conference endorsed and the flag passing on, in the words of the 2023 article (seed
article of the project). Every number comes from the report; no sentence is written
about data that is not there: a missing part is left out, and the page tells the chair."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from cluster_portal.number_style import format_number, format_percent, two_digits
from emulation.nominations.models import NominationStatus
from emulation.nominations.selectors import counted_kinds
from provinces.figures.spec import format_indicator

if TYPE_CHECKING:
    from emulation.reports.selectors import ClusterReport

# The states of a nomination the conference has endorsed (and what came of it since).
ENDORSED = (NominationStatus.ENDORSED, NominationStatus.SUBMITTED, NominationStatus.GRANTED)
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
ROMAN += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


@dataclass
class Draft:
    title: str
    lead: str
    paragraphs: list[str]
    captions: list[str]
    # What the draft could not say, for the chair (the page's language; never in the post).
    missing: list[str] = field(default_factory=list)


# A number and the word after it ("784 THT", "236,8 triệu đồng/THT/năm", "03 tập thể") stay
# on one line in every format the post is shown in: non-breaking spaces between them.
_NUMBER_WORD = re.compile(r"(?<=\d)(%?) +(?=[^\W\d_])")
_MONEY_WORD = re.compile(r"(?<=\d\u00a0)(nghìn|triệu|tỷ) +(?=đồng)")


def typeset(text: str) -> str:
    """The text with each number bound to its unit (non-breaking spaces)."""
    return _MONEY_WORD.sub("\\1\u00a0", _NUMBER_WORD.sub("\\1\u00a0", text))


def from_roman(numeral: str) -> int | None:
    total, rest = 0, numeral.upper()
    for value, letters in ROMAN:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters) :]
    return total if total and not rest else None


def to_roman(number: int) -> str:
    letters = []
    for value, numeral in ROMAN:
        count, number = divmod(number, value)
        letters.append(numeral * count)
    return "".join(letters)


def region(cluster_name: str) -> str | None:
    """ "Tây Bắc" of "Cụm thi đua Liên minh HTX các tỉnh Tây Bắc"."""
    found = re.search(r"các tỉnh\s+(.+)$", cluster_name, flags=re.IGNORECASE)
    return found.group(1).strip() if found else None


def approximately(share) -> str:
    """ "gần 70%" for 69,6 %, "hơn 40%" for 40,4 %, else the share as the report writes it."""
    ten = round(share / 10) * 10
    if 0 < ten - share <= 1:
        return f"gần {ten}%"
    if 0 < share - ten <= 1:
        return f"hơn {ten}%"
    return format_percent(share).replace("\u00a0", "")


def _lower_first(text: str) -> str:
    text = text.strip()
    return text[:1].lower() + text[1:] if text else text


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "./.")) else f"{text}."


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def _title(report: ClusterReport, place: str) -> str:
    conference = report.conference
    ordinal = f" LẦN THỨ {conference.ordinal}" if conference else ""
    return (
        f"{place.upper()}: TỔ CHỨC HỘI NGHỊ GIAO BAN VÀ TỔNG KẾT CÔNG TÁC THI ĐUA{ordinal} "
        f"NĂM {report.year}"
    )


def _lead(report: ClusterReport, n: str) -> str:
    conference, cluster = report.conference, report.cluster
    members = ", ".join(province.name for province in report.members)
    lead = (
        f"Ngày {conference.date:%d/%m/%Y}, tại {conference.venue}, {cluster.name} gồm Liên "
        f"minh HTX {n} tỉnh: {members} tổ chức Hội nghị giao ban Cụm thi đua lần thứ "
        f"{conference.ordinal}."
    )
    if report.term:
        lead += f" Năm {report.year}, Cụm trưởng: {report.term.head.alliance_name}"
        if report.term.vice:
            lead += f"; Cụm phó: {report.term.vice.alliance_name}"
        lead += "."
    return lead


def _guests(conference) -> str | None:
    people = []
    for attendee in conference.attendees.all():
        role = " ".join(part for part in (attendee.title, attendee.organisation) if part)
        if attendee.name.lower().startswith("các "):
            people.append(", ".join(part for part in (attendee.name, role) if part))
        else:
            people.append(f"Đồng chí {attendee.name}" + (f" – {role}" if role else ""))
    if not people:
        return None
    return f"Dự và chỉ đạo Hội nghị có các đồng chí: {'; '.join(people)}."


def _figures(report: ClusterReport, name: str | None) -> list[str]:
    t = report.totals
    if not t:
        return []
    where = f"Cụm {name}" if name else "Cụm"

    def f(code: str) -> str:
        return format_indicator(code, t[code])

    provinces = report.entered_count
    share = (
        ", trong đó THT hoạt động trong lĩnh vực nông nghiệp chiếm "
        f"{approximately(report.agri_share)}"
        if report.agri_share is not None
        else ""
    )
    tht_htx = (
        f"Tính đến cuối năm {report.year}, {where} thành lập mới {f('tht_new')} Tổ hợp tác "
        f"(THT), nâng tổng số THT của {provinces} tỉnh lên {f('tht_total')} THT, thu hút "
        f"{f('tht_members')} thành viên tham gia{share}; doanh thu bình quân THT ước đạt "
        f"{f('tht_avg_revenue')} triệu đồng/THT/năm; lợi nhuận bình quân ước đạt "
        f"{f('tht_avg_profit')} triệu đồng/THT/năm. Về HTX, Liên minh HTX {provinces} tỉnh "
        f"{name or 'trong Cụm'} đã tuyên truyền vận động thành lập mới {f('htx_new')} HTX "
        f"(trung bình thành lập mới đạt {format_number(report.htx_new_per_province)} "
        "HTX/tỉnh/năm), nâng tổng số HTX "
        f"trong Cụm đạt {f('htx_total')} HTX với tổng số {f('htx_members')} thành viên; doanh "
        f"thu bình quân các HTX trong Cụm đạt {f('htx_avg_revenue')} triệu đồng/HTX/năm; lợi "
        f"nhuận bình quân các HTX trong Cụm đạt {f('htx_avg_profit')} triệu đồng/HTX/năm; tạo "
        f"việc làm cho {f('htx_workers')} lao động thường xuyên với thu nhập bình quân đạt "
        f"{f('htx_avg_income')} triệu đồng/người/năm."
    )
    communication = (
        "Về công tác tuyên truyền về KTTT, HTX, Liên minh HTX các tỉnh trong Cụm đã phát hành "
        f"{f('bulletins')} số Bản tin Kinh tế tập thể; xây dựng {f('tv_reports')} phóng sự "
        f"truyền hình, {f('press_articles')} bài báo được đăng trên các trang báo, đài của "
        f"tỉnh; đăng tải {f('online_posts')} tin, bài, phóng sự tuyên truyền trên Trang thông "
        "tin điện tử, trang mạng xã hội của Liên minh HTX các tỉnh."
    )
    training = (
        f"Về bồi dưỡng, tập huấn, kết quả năm {report.year} Liên minh HTX các tỉnh trong Cụm "
        f"tổ chức được {f('training_courses')} khóa với {f('training_participants')} lượt "
        "người tham gia"
    )
    loans = report.disbursements
    if loans.cluster_all.count:
        training += (
            "; các Quỹ do Liên minh HTX các tỉnh quản lý đã giải ngân cho "
            f"{loans.cluster_all.count} lượt dự án vay vốn ưu đãi cho các HTX, THT với tổng số "
            f"tiền đạt {format_number(loans.cluster_all.amount)} triệu đồng"
        )
        if loans.cluster_htx_dev.count:
            training += (
                "; riêng Quỹ Hỗ trợ phát triển HTX đã giải ngân "
                f"{loans.cluster_htx_dev.count} dự án số tiền "
                f"{format_number(loans.cluster_htx_dev.amount)} triệu đồng"
            )
    return [tht_htx, communication, training + "."]


def _recommendations(conference) -> str | None:
    by_whom: dict[str, list[str]] = {}
    for item in conference.recommendations.all():
        text = _lower_first(item.text).rstrip(".; ")
        by_whom.setdefault(item.addressed_to.strip(), []).append(text)
    if not by_whom:
        return None
    parts = [f"kiến nghị với {whom}: {'; '.join(texts)}" for whom, texts in by_whom.items()]
    return (
        "Tại hội nghị, các đại biểu đã tập trung thảo luận, chia sẻ về những thuận lợi, khó "
        "khăn trong phong trào phát triển KTTT, HTX trên địa bàn các tỉnh; một số đại biểu "
        f"{'; '.join(parts)}."
    )


def _closing(report: ClusterReport, where: str) -> str:
    sentences = [
        f"Kết thúc hội nghị, Liên minh HTX các tỉnh {where} thống nhất cao với các nội dung "
        "triển khai tại hội nghị"
    ]
    awards = []
    for award, nominations in report.nominations:
        endorsed = [n.nominee_name for n in nominations if n.status in ENDORSED]
        if endorsed:
            kinds = [n.nominee_kind for n in nominations if n.status in ENDORSED]
            awards.append(
                f"đề nghị tặng {award.name} cho {counted_kinds(kinds)}: {', '.join(endorsed)}"
            )
    if awards:
        sentences[0] += "; đồng thời Hội nghị thống nhất " + "; ".join(awards)
    sentences[0] += "."
    conference, upcoming = report.conference, report.next_term
    signed = f"đã ký giao ước thi đua năm {report.year + 1}" if conference.agreement_signed else ""
    if upcoming:
        number = from_roman(conference.ordinal)
        ordinal = f" lần thứ {to_roman(number + 1)}" if number else ""
        flag = (
            f"trao Cờ luân lưu Cụm trưởng {report.cluster.name}{ordinal}, năm "
            f"{report.year + 1} cho {upcoming.head.alliance_name}"
        )
        if upcoming.vice:
            flag += f", Cụm phó {upcoming.vice.alliance_name}"
        sentences.append(f"Hội nghị {signed + ' và ' if signed else ''}{flag}./.")
    elif signed:
        sentences.append(f"Hội nghị {signed}./.")
    return " ".join(sentences)


def draft_post(report: ClusterReport) -> Draft:
    """The post as the record tells it; needs the year's conference (else nothing to say)."""
    conference = report.conference
    if conference is None:
        return Draft("", "", [], [], missing=[_("Chưa có biên bản hội nghị của năm này.")])
    n = two_digits(report.member_count)
    name = region(report.cluster.name)
    place = f"Liên minh HTX {report.member_count} tỉnh {name}" if name else report.cluster.name
    missing = []
    paragraphs = [p for p in (_guests(conference),) if p]
    if conference.topics.strip():
        paragraphs.append(_sentence(f"Hội nghị đã {_lower_first(conference.topics)}"))
    figures = _figures(report, name)
    if not figures:
        missing.append(_("Chưa có số liệu được duyệt của năm: bài chưa có phần kết quả."))
    elif report.is_draft:
        missing.append(
            _("Số liệu của một số tỉnh chưa được duyệt: kết quả chỉ tính các tỉnh đã duyệt.")
        )
    paragraphs += figures
    paragraphs += [p for p in (_recommendations(conference),) if p]
    paragraphs += report.difficulties[0]
    paragraphs.append(_closing(report, name or report.cluster.name))
    speaker = next(
        (a for a in conference.attendees.all() if not a.name.lower().startswith("các ")), None
    )
    captions = ["Quang cảnh Hội nghị"]
    if speaker:
        role = " ".join(part for part in (speaker.title, speaker.organisation) if part)
        captions.append(f"Đồng chí {speaker.name} – {role} phát biểu chỉ đạo tại Hội nghị")
    captions.append("Một số hình ảnh tại Hội nghị")
    return Draft(_title(report, place), _lead(report, n), paragraphs, captions, missing)

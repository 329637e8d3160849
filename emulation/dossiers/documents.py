"""The four kinds of document of an award dossier, built from a `Dossier` as plain
content (`content.py`): the submission letter, the minutes of the scoring meeting, the
scoring summary and one achievement report per nominee."""

from django.utils.translation import gettext_noop

from cluster_portal.number_style import format_exact, format_percent, format_points
from emulation.nominations.models import COLLECTIVE_KINDS
from emulation.nominations.selectors import counted_kinds
from emulation.reports.letterhead import signer_lines

from .achievement import achievement_report
from .content import (
    Document,
    Heading,
    Para,
    Row,
    Signer,
    Table,
    ascii_name,
    cluster_file_name,
    cluster_issuer,
    in_vietnamese,
    place_date,
    two_digits,
)
from .letter import MINUTES_RECIPIENTS, Letter, letter_for
from .selectors import Dossier, Nominee

DRAFT_NOTE = "BẢN DỰ THẢO — hồ sơ chưa đủ, chưa gửi Liên minh HTX Việt Nam"


def _letter(dossier: Dossier) -> Letter:
    """The dossier's signed particulars, read once per dossier (one query)."""
    letter = getattr(dossier, "_letter", None)
    if letter is None:
        letter = dossier._letter = letter_for(dossier)
    return letter


def _dashed(lines: list[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def _time(value) -> str:
    return f"{value.hour:02d} giờ {value.minute:02d} phút" if value else ""


def _kinds(nominees) -> str:
    """ "tập thể", or "tập thể, cá nhân, hộ gia đình" as the nominees are."""
    kinds = {n.kind for n in nominees}
    words = ["tập thể"] if kinds & set(COLLECTIVE_KINDS) or not kinds else []
    words += [w for k, w in (("person", "cá nhân"), ("household", "hộ gia đình")) if k in kinds]
    return ", ".join(words)


def _counted(nominees) -> str:
    """ "03 tập thể, 01 cá nhân, 01 hộ gia đình": the nominees of an award by kind."""
    return counted_kinds([n.kind for n in nominees])


def short_award(award) -> str:
    """ "Cờ thi đua của Ban Chấp hành …" -> "Cờ thi đua"."""
    return award.name.split(" của ")[0]


def _common(dossier: Dossier, **kwargs) -> Document:
    return Document(
        issuer=cluster_issuer(dossier.cluster),
        place_date=place_date(dossier.place, dossier.document_date),
        draft_note="" if dossier.is_complete else DRAFT_NOTE,
        **kwargs,
    )


def _votes(nominee: Nominee) -> str:
    n = nominee.nomination
    return f"{n.votes_for or 0}/{n.votes_present}" if n.votes_present else ""


def _ballots(n) -> str:
    """ "Kín: 7 phát, 7 thu, 7 hợp lệ" or "Giơ tay"."""
    if n.voting_method == "secret":
        return f"Kín: {n.ballots_issued} phát, {n.ballots_returned} thu, {n.ballots_valid} hợp lệ"
    return "Giơ tay" if n.voting_method == "hands" else ""


def _score(nominee: Nominee) -> tuple[str, str]:
    result = nominee.result
    if result is None:
        return "—", "—"
    return format_points(result.total), str(result.rank or "")


def _ordered(nominees: list[Nominee]) -> list[Nominee]:
    """Ranked alliances first by rank, then cooperatives in the order proposed."""
    unranked = 10**6  # an unscored member has no rank: after the ranked ones
    return sorted(
        nominees, key=lambda n: (n.result is None, (n.result and n.result.rank) or unranked)
    )


def _award_phrase(dossier: Dossier) -> str:
    return " và ".join(award.name for award, _ in dossier.groups) or "khen thưởng"


def submission_letter(dossier: Dossier) -> Document:
    year, cluster = dossier.year, dossier.cluster
    letter = _letter(dossier)
    total = dossier.scoring.total_points if dossier.scoring else None
    blocks: list = [Para(line, italic=True) for line in letter.legal_basis]
    if dossier.meeting_date:
        blocks.append(
            Para(
                f"Căn cứ kết quả chấm điểm và {letter.minutes_reference[:1].lower()}"
                f"{letter.minutes_reference[1:]} họp bình xét thi đua năm {year} "
                f"tại {dossier.meeting_place},",
                italic=True,
            )
        )
    blocks.append(
        Para(
            f"{cluster.name} kính trình Liên minh HTX Việt Nam xem xét, khen thưởng cho các "
            f"{_kinds(dossier.nominees)} có thành tích xuất sắc trong phong trào thi đua năm "
            f"{year}, cụ thể:"
        )
    )
    for index, (award, nominees) in enumerate(dossier.groups, start=1):
        blocks.append(Heading(f"{index}. {award.name} cho {_counted(nominees)}:", level=2))
        rows = []
        for order, nominee in enumerate(_ordered(nominees), start=1):
            score, rank = _score(nominee)
            province = nominee.province.name if nominee.province else ""
            rows.append(
                Row([str(order), nominee.short_name, province, score, rank, _votes(nominee)])
            )
        blocks.append(
            Table(
                [
                    "TT",
                    "Tên tập thể, cá nhân" if _kinds(nominees) != "tập thể" else "Tên tập thể",
                    "Tỉnh",
                    "Tổng điểm",
                    "Xếp hạng",
                    "Biểu quyết (tán thành/có mặt)",
                ],
                rows,
                widths=[0.9, 5.2, 1.7, 1.4, 1.3, 2.2],
                align="cllccc",
                name="t-nominees",
            )
        )
    scored = f" (tối đa {format_points(total)} điểm, chưa kể điểm thưởng)" if total else ""
    blocks += [
        Para(
            f"Tổng điểm và xếp hạng theo bảng chấm điểm thi đua năm {year} của Cụm{scored}, "
            "áp dụng cho Liên minh HTX các tỉnh thành viên; HTX được Cụm bình xét theo báo "
            "cáo thành tích của tỉnh.",
            italic=True,
        ),
        Para(
            f"Hồ sơ kèm theo: biên bản họp bình xét, bảng tổng hợp kết quả chấm điểm thi đua "
            f"năm {year} và {two_digits(len(dossier.nominees))} báo cáo thành tích của các "
            f"{_kinds(dossier.nominees)}."
        ),
        Para(f"{cluster.name} kính trình Liên minh HTX Việt Nam xem xét, quyết định./."),
    ]
    return Document(
        issuer=cluster_issuer(cluster),
        place_date=place_date(letter.place, letter.date),
        draft_note="" if dossier.is_complete else DRAFT_NOTE,
        filename=f"To-trinh-{cluster_file_name(cluster)}-{year}",
        number_line=letter.number_line,
        kind=gettext_noop("TỜ TRÌNH"),  # translated where a page names it
        subject=f"Về việc đề nghị tặng {_award_phrase(dossier)} năm {year}",
        salutation=f"Kính gửi: {letter.addressee.rstrip('.')}.",
        blocks=blocks,
        signers=[Signer(letter.signer, letter.signer_name)],
        recipients=_dashed(letter.recipients),
    )


def meeting_minutes(dossier: Dossier) -> Document:
    year, cluster, scoring = dossier.year, dossier.cluster, dossier.scoring
    letter = _letter(dossier)
    day = dossier.meeting_date
    present = scoring.present if scoring and scoring.present else None
    start = f"Hồi {_time(letter.start)}, ngày {day:%d/%m/%Y}" if letter.start and day else ""
    chair = letter.chair_name and (
        f"Đồng chí {letter.chair_name} – {letter.chair_title} "
        if letter.chair_title
        else f"Đồng chí {letter.chair_name}, "
    )
    blocks: list = [
        Heading("I. THỜI GIAN, ĐỊA ĐIỂM"),
        Para(f"Thời gian: {start or (f'ngày {day:%d/%m/%Y}' if day else 'chưa ghi')}."),
        Para(f"Địa điểm: {dossier.meeting_place or 'chưa ghi'}."),
        Heading("II. THÀNH PHẦN THAM DỰ"),
        Para(
            f"Chủ trì: {chair or ''}{dossier.head.legal_name} (Cụm trưởng năm {year})."
            if dossier.head
            else "Chủ trì: chưa xác định Cụm trưởng."
        ),
        Para(
            f"Thư ký: Đồng chí {letter.secretary_name}."
            if letter.secretary_name
            else "Thư ký: chưa ghi."
        ),
        Para(
            f"Có mặt: {format_exact(present)}/{format_exact(len(dossier.members))} Liên minh "
            "HTX tỉnh thành viên của Cụm."
            if present
            else "Có mặt: chưa ghi."
        ),
    ]
    for attendee in dossier.attendees:
        who = attendee.name if attendee.name.startswith("Các") else f"Đồng chí {attendee.name}"
        blocks.append(Para(f"- {who} – {attendee.title}, {attendee.organisation};"))
    blocks += [
        Heading("III. NỘI DUNG"),
        Heading("1. Kết quả chấm điểm và xếp hạng thi đua", level=2),
    ]
    if scoring:
        rows = [
            Row(
                [
                    str(m.rank or ""),
                    m.province.legal_name,
                    format_points(m.total),
                    "" if m.votes is None else str(m.votes),
                ]
            )
            for m in scoring.ranking
        ]
        blocks.append(
            Table(
                ["Xếp hạng", "Liên minh HTX tỉnh", "Tổng điểm thống nhất", "Số phiếu suy tôn"],
                rows,
                widths=[1.3, 6, 2.2, 2.2],
                align="clcc",
            )
        )
        blocks.append(
            Para(
                "Hội nghị thống nhất điểm và xếp hạng như trên; chi tiết theo từng tiêu chí tại "
                f"Phụ lục kèm theo Biên bản này (Bảng tổng hợp kết quả chấm điểm thi đua năm "
                f"{year})."
            )
        )
        if scoring.notes:
            blocks.append(Para(scoring.notes))
    else:
        blocks.append(Para("Chưa có kết quả chấm điểm."))
    rules = dossier.rules
    blocks += [
        Heading("2. Kết quả biểu quyết đề nghị khen thưởng", level=2),
        Para(
            f"Tập thể được đề nghị khi số phiếu tán thành {rules.threshold_text}; hội nghị "
            f"biểu quyết khi có mặt ít nhất {rules.quorum}/{rules.members} thành viên."
        ),
    ]
    rows, reasons = [], []
    for order, nominee in enumerate(dossier.nominees, start=1):
        n = nominee.nomination
        votes_for, present = n.votes_for or 0, n.votes_present
        base = rules.base(present) if present else 0
        share = format_percent(votes_for * 100 / base) if base else ""
        passed = nominee.vote_passed(rules)
        rows.append(
            Row(
                [
                    str(order),
                    nominee.legal_name,
                    short_award(n.award_type),
                    _votes(nominee),
                    _ballots(n),
                    share,
                    "Đạt" if passed else "Không đạt",
                ]
            )
        )
        if n.rank_reason:
            reasons.append(Para(f"- {nominee.legal_name}: {n.rank_reason}"))
    blocks.append(
        Table(
            ["TT", "Tập thể", "Hình thức", "Tán thành/có mặt", "Phiếu", "Tỷ lệ", "Kết quả"],
            rows,
            widths=[0.8, 4.4, 1.6, 1.7, 2.4, 1.1, 1.2],
            align="cllcccc",
        )
    )
    if reasons:
        blocks.append(Para("Lý do đề nghị tập thể xếp hạng sau thành viên không được đề nghị:"))
        blocks += reasons
    ended = (
        f"Cuộc họp kết thúc hồi {_time(letter.end)} cùng ngày. "
        if letter.end and letter.start
        else ""
    )
    blocks += [
        Heading("IV. KẾT LUẬN"),
        Para(
            f"Hội nghị thống nhất đề nghị Liên minh HTX Việt Nam khen thưởng "
            f"{_counted(dossier.nominees)} nêu trên. {ended}Biên bản được lập thành 02 "
            "bản, đã đọc lại cho các đại biểu dự họp cùng nghe và thống nhất./."
        ),
    ]
    return _common(
        dossier,
        filename=f"Bien-ban-hop-binh-xet-{cluster_file_name(cluster)}-{year}",
        number_line=letter.minutes_number_line,
        kind=gettext_noop("BIÊN BẢN"),  # translated where a page names it
        subject=f"Họp bình xét thi đua năm {year} của {cluster.name}",
        blocks=blocks,
        signers=[
            Signer(signer_lines(None, role="THƯ KÝ", on_behalf=""), letter.secretary_name),
            Signer(letter.chair, letter.chair_name),
        ],
        recipients=_dashed(MINUTES_RECIPIENTS),
    )


def scoring_summary(dossier: Dossier) -> Document:
    year, cluster, scoring = dossier.year, dossier.cluster, dossier.scoring
    blocks: list = []
    if scoring is None:
        blocks.append(Para("Chưa có bảng chấm điểm thi đua của năm."))
    else:
        names = [m.province.name for m in scoring.members]
        rows = []
        for row in scoring.rows:
            maximum = ("−" if row.is_penalty else "") + format_points(row.max_points)
            title = ("\u00a0\u00a0" * row.depth) + row.title
            rows.append(
                Row(
                    [row.number, title, maximum, *[format_points(p) for p in row.points]],
                    bold=row.is_group,
                )
            )
        rows.append(
            Row(
                [
                    "",
                    "Tổng điểm",
                    format_points(scoring.total_points),
                    *[format_points(m.total) for m in scoring.members],
                ],
                bold=True,
            )  # noqa: E501
        )
        rows.append(
            Row(["", "Xếp hạng", "", *[str(m.rank or "") for m in scoring.members]], bold=True)
        )
        blocks += [
            Para(
                f"(Kèm theo {_letter(dossier).minutes_reference})",
                indent=False,
                italic=True,
                align="center",
            ),
            Para(scoring.lead_note, indent=False, italic=True),
            Table(
                ["TT", "Nội dung tiêu chí", "Điểm tối đa", *names],
                rows,
                widths=[0.8, 6.5, 1.3, *[1.35] * len(names)],
                align="llr",
                font_size=9,
            ),
        ]
    letter = _letter(dossier)
    return _common(
        dossier,
        filename=f"Bang-tong-hop-diem-{cluster_file_name(cluster)}-{year}",
        number_line="",  # an appendix carries the number of the minutes it goes with
        kind=gettext_noop("PHỤ LỤC"),  # translated where a page names it
        subject=f"Bảng tổng hợp kết quả chấm điểm thi đua năm {year} của {cluster.name}",
        blocks=blocks,
        signers=[Signer(letter.signer, letter.signer_name)],
        recipients=[
            "- Liên minh HTX Việt Nam;",
            "- Liên minh HTX các tỉnh trong Cụm;",
            "- Lưu: Cụm trưởng.",
        ],  # noqa: E501
        landscape=True,
        summary_of=scoring.year_data if scoring else None,
    )


@in_vietnamese
def dossier_documents(dossier: Dossier) -> list[Document]:
    documents = [submission_letter(dossier), meeting_minutes(dossier), scoring_summary(dossier)]
    seen: set[str] = set()
    for nominee in dossier.nominees:
        document = achievement_report(dossier, nominee)
        if document.filename in seen:  # one nominee proposed for two awards
            document.filename += "-" + ascii_name(nominee.nomination.award_type.code)
        seen.add(document.filename)
        documents.append(document)
    return documents

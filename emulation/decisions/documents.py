"""The decision (Quyết định khen thưởng) as a document of the dossier's kind (content.py:
one content for the .docx and the .pdf, NĐ 30 layout: issuing body and number, motto,
place and date, "Căn cứ" lines of the legal basis in force on the decision's date), and
the certificates (Bằng khen, Cờ thi đua) as printable PDFs, one template per award."""

from django.template.loader import select_template
from django.utils import translation

from emulation.dossiers.content import (
    MOTTO,
    Document,
    Para,
    Signer,
    ascii_name,
    in_vietnamese,
    place_date,
)
from emulation.dossiers.docx_builder import render_docx
from emulation.dossiers.render import render_document_html, render_pdfs
from emulation.nominations.selectors import counted_kinds, legal_name_of
from emulation.reports.legal import national_basis_on
from emulation.reports.render import PdfBatch

from .models import AwardDecision
from .selectors import decision_awardees

ISSUER_FULL = "LIÊN MINH HỢP TÁC XÃ VIỆT NAM"
PLACE = "Hà Nội"


def signer_of(decision: AwardDecision) -> Signer:
    """ "Chủ tịch" signs as CHỦ TỊCH; a deputy "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    title = decision.signer_title.strip()
    capacity = ["CHỦ TỊCH"] if title.lower() == "chủ tịch" else ["KT. CHỦ TỊCH", title.upper()]
    return Signer(capacity=capacity, name=decision.signer_name)


def awardee_line(nomination) -> str:
    name = legal_name_of(nomination) or nomination.nominee_name
    return f"{name} (tỉnh {nomination.nominee_province.name}, {nomination.cluster.name})"


@in_vietnamese
def decision_document(decision: AwardDecision) -> Document:
    awardees = decision_awardees(decision)
    award, year = decision.award_type.name, decision.year
    clusters = sorted({n.cluster.name for n in awardees})
    blocks = [Para(f"CHỦ TỊCH {ISSUER_FULL}", indent=False, bold=True, align="center")]
    for line in national_basis_on(decision.date):
        blocks.append(Para(line, italic=True))
    blocks.append(
        Para(
            f"Xét đề nghị của {', '.join(clusters)} và kết quả thẩm định hồ sơ của Ban Thi đua "
            "– Khen thưởng Liên minh Hợp tác xã Việt Nam,",
            italic=True,
        )
    )
    blocks.append(Para("QUYẾT ĐỊNH:", indent=False, bold=True, align="center"))
    blocks.append(
        Para(
            f"Điều 1. Tặng {award} cho {counted_kinds([n.nominee_kind for n in awardees])} "
            f"đã có thành tích xuất sắc trong phong trào thi đua năm {year}:"
        )
    )
    for i, nomination in enumerate(awardees, start=1):
        end = "." if i == len(awardees) else ";"
        blocks.append(Para(f"{i}. {awardee_line(nomination)}{end}"))
    blocks.append(Para("Điều 2. Quyết định này có hiệu lực kể từ ngày ký."))
    blocks.append(
        Para(
            "Điều 3. Chánh Văn phòng, Trưởng Ban Thi đua – Khen thưởng Liên minh Hợp tác xã "
            "Việt Nam, Cụm trưởng các Cụm thi đua và các tập thể, cá nhân có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này."
        )
    )
    return Document(
        filename=f"QD-khen-thuong-{ascii_name(decision.number)}",
        issuer=[ISSUER_FULL],
        number_line=f"Số: {decision.number}",
        place_date=place_date(PLACE, decision.date),
        kind="QUYẾT ĐỊNH",
        subject=f"Về việc tặng {award} năm {year}",
        blocks=blocks,
        signers=[signer_of(decision)],
        recipients=["- Như Điều 3;", "- Thường trực Liên minh HTX Việt Nam;", "- Lưu: VT, TĐKT."],
    )


def decision_docx(decision: AwardDecision) -> bytes:
    return render_docx(decision_document(decision))


def decision_pdf(decision: AwardDecision) -> bytes:
    document = decision_document(decision)
    return render_pdfs([render_document_html(document, linked_css=False)])[0]


def certificate_template(decision: AwardDecision):
    """The award's own template (by its code), else the certificate of merit's."""
    return select_template(
        [
            f"decisions/certificates/{decision.award_type.code}.html",
            "decisions/certificates/certificate-of-merit.html",
        ]
    )


def certificates_html(decision: AwardDecision, *, linked_css: bool = True) -> str:
    template = certificate_template(decision)
    with translation.override("vi"):
        return template.render(
            {
                "decision": decision,
                "awardees": decision_awardees(decision),
                "motto": MOTTO,
                "issuer": ISSUER_FULL,
                "signer": signer_of(decision),
                "place_date": place_date(PLACE, decision.date),
                "linked_css": linked_css,
            }
        )


def certificates_pdf(decision: AwardDecision) -> bytes:
    """One landscape page per awardee."""
    return PdfBatch("css/certificate.css").render(certificates_html(decision, linked_css=False))


def file_name(decision: AwardDecision, ext: str) -> str:
    return f"QD-khen-thuong-{ascii_name(decision.number)}.{ext}"


def certificates_name(decision: AwardDecision) -> str:
    return (
        f"{ascii_name(decision.award_type.name)}-{decision.year}-{ascii_name(decision.number)}.pdf"
    )

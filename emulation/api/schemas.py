"""The shapes the API reads and writes (pydantic, through django-ninja): the OpenAPI schema
is generated from these classes, so documentation and validation cannot drift apart.

Indicator codes are those of the data dictionary (provinces/figures/spec.py). Counts are
integers; money (million VND) is a decimal, written as a JSON string ("236.80") so that no
float ever touches it; a number is accepted on input.
"""

import datetime
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext
from ninja import Field, Path, Query, Schema
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from cluster_portal.numbers import NumberFormatError, read_api_number
from provinces.disbursements.excel import DISBURSEMENTS_IMPORT_MAX_ROWS
from provinces.disbursements.models import BorrowerKind, Fund
from provinces.figures.models import FiguresStatus
from provinces.figures.spec import BY_CODE, CODES


def _number(integer: bool) -> BeforeValidator:
    """Every number the API reads in a path or a query goes through the portal's reader for
    machines (cluster_portal.numbers.read_api_number): "２０２５", "2_025", "4e1" and true are
    refused with 422 and a message of the portal's for that field (pydantic alone would
    take true as 1, "2_025", or Decimal "２７")."""

    def read(value):
        try:
            return read_api_number(value, integer=integer)
        except NumberFormatError as exc:
            # Its message as it is, without pydantic's "Value error, " before it.
            raise PydanticCustomError("number", str(exc)) from None

    return BeforeValidator(read)


# Money: a string with a dot before at most two decimals, no grouping ("1637.50"): "1.000"
# is refused (1 here, 1 000 in the Excel import), and so is a JSON number.
MONEY_PATTERN = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)
# A decimal the API writes: dot decimal, never an exponent.
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def _read_money(value):
    try:
        number = read_api_number(value)  # true, null, "१२", "1.250,5": the reader's message
    except NumberFormatError as exc:
        raise PydanticCustomError("number", str(exc)) from None
    if not isinstance(value, str):
        raise PydanticCustomError(
            "money",
            gettext("Số tiền gửi dạng chuỗi, ví dụ “1637.50”, không phải số JSON (%(value)s).")
            % {"value": value},
        )
    if not _MONEY.match(value):
        raise PydanticCustomError(
            "money",
            gettext(
                "“%(value)s”: số tiền viết với dấu chấm thập phân, tối đa 2 chữ số sau dấu "
                "chấm và không có dấu phân cách hàng nghìn (ví dụ “1637.50”)."
            )
            % {"value": value},
        )
    return number


def _read_count(value):
    try:
        number = read_api_number(value, integer=True)
    except NumberFormatError as exc:
        raise PydanticCustomError("number", str(exc)) from None
    if isinstance(value, str):
        raise PydanticCustomError(
            "number",
            gettext(
                "“%(value)s” là chuỗi: gửi số nguyên dạng số JSON (%(value)s), không có dấu "
                "ngoặc kép."
            )
            % {"value": value},
        )
    return number


# In a path or a query (text by nature): the reader's rules.
Int = Annotated[int, _number(True)]
Number = Annotated[Decimal, _number(False)]
# In a body: a JSON integer, and money as a string of the pattern.
Count = Annotated[int, BeforeValidator(_read_count), WithJsonSchema({"type": "integer"})]
Money = Annotated[
    Decimal,
    BeforeValidator(_read_money),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1637.50"]}),
]
# Any decimal the API answers (sums, averages, points): a string, dot decimal.
DecimalString = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["236.80"]}),
]

# Control characters a person's text never holds (tab and line breaks it may); PostgreSQL
# refuses NUL in any string (a 500), and the pages' forms refuse it (Django's CharField).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_controls(value: str) -> str:
    """Also composed (NFC): "Sơn La" typed with combining marks is stored as the pages
    store it (the JSON bodies are normalised by api.NumbersParser already)."""
    if _CONTROLS.search(value):
        raise PydanticCustomError(
            "text", gettext("Chuỗi có ký tự điều khiển (như NUL): hãy bỏ chúng đi.")
        )
    return unicodedata.normalize("NFC", value)


Text = Annotated[str, AfterValidator(_no_controls)]

# Parameters shared by the endpoints. A year outside these bounds is refused (422) before
# anything reads it.
Year = Annotated[Int, Path(ge=1990, le=2999, description="năm, ví dụ 2023", example=2024)]
Code = Annotated[
    str, Path(description="mã tỉnh, hiểu theo năm (15 năm 2023: Yên Bái)", example="14")
]
Slug = Annotated[str, Path(description="mã cụm, ví dụ tay-bac", example="tay-bac")]
DryRun = Annotated[bool, Query(description="chỉ kiểm tra và trả lời, không thay đổi gì")]


class ProvinceRef(Schema):
    code: str = Field(..., examples=["14"])
    name: str = Field(..., examples=["Sơn La"])
    slug: str = Field(..., examples=["son-la"])


class ProvinceOut(ProvinceRef):
    id: int = Field(..., description="mã của đơn vị, không đổi (như trong `deleted`)")
    valid_from: datetime.date | None = Field(None, description="null: trước khi có dữ liệu")
    valid_to: datetime.date | None = Field(None, description="null: vẫn còn hiệu lực")
    successor: ProvinceRef | None = Field(None, description="đơn vị mà nó sáp nhập vào")
    predecessors: list[ProvinceRef] = Field(default_factory=list)
    updated_at: datetime.datetime | None = Field(None, description="lần ghi cuối")


class ClusterRef(Schema):
    slug: str = Field(..., examples=["tay-bac"])
    name: str = Field(..., examples=["Cụm Tây Bắc"])


class ClusterYearOut(Schema):
    cluster: ClusterRef
    year: int
    members: list[ProvinceRef]
    head: ProvinceRef | None = Field(None, description="cụm trưởng năm đó")
    vice: ProvinceRef | None = Field(None, description="cụm phó năm đó")


FiguresValues = create_model(
    "FiguresValues",
    __base__=Schema,
    __doc__="Every indicator of the data dictionary, by code, as sent.",
    **{
        code: (
            Money if BY_CODE[code].money else Count,
            Field(
                ...,
                description=f"{BY_CODE[code].label} ({BY_CODE[code].unit})",
                examples=["236.80"] if BY_CODE[code].money else [120],
            ),
        )
        for code in CODES
    },
)

FiguresValuesOut = create_model(
    "FiguresValuesOut",
    __base__=Schema,
    __doc__="Every indicator of the data dictionary, by code, as stored.",
    **{
        code: (
            DecimalString if BY_CODE[code].money else int,
            Field(..., description=f"{BY_CODE[code].label} ({BY_CODE[code].unit})"),
        )
        for code in CODES
    },
)


class FiguresOut(Schema):
    province: ProvinceRef
    year: int
    status: FiguresStatus
    version: int = Field(..., description="gửi lại khi ghi (khóa lạc quan)", examples=[3])
    values: FiguresValuesOut
    updated_at: datetime.datetime


class FiguresWrite(Schema):
    version: Count | None = Field(
        ...,
        description="bắt buộc: phiên bản bạn đã đọc; null để tạo bản ghi đầu tiên của năm",
    )
    values: FiguresValues


class SubmitWrite(Schema):
    version: Count = Field(..., description="bắt buộc: phiên bản bạn đã đọc")
    explanation: Text = Field("", max_length=4000, description="cần khi có cảnh báo")


class DecideWrite(Schema):
    version: Count = Field(..., description="bắt buộc: phiên bản bạn đã đọc")
    reason: Text = Field("", max_length=4000, description="bắt buộc khi trả lại bản ghi")


class Change(Schema):
    field: str
    old: int | DecimalString | str | None
    new: int | DecimalString | str | None


class WriteResult(Schema):
    dry_run: bool
    changed: bool = Field(..., description="false: không có gì (sẽ) thay đổi")
    changes: list[Change] = Field(default_factory=list)
    errors: dict[str, list[str]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    record: FiguresOut | None = None


class Problem(Schema):
    """An error's body as an operation may still return it (`Status(409, {"detail": …})`):
    middleware.ApiProblemMiddleware answers it as an RFC 9457 problem (problems.Problem),
    which is what the schema documents. New code raises problems.ApiProblem."""

    detail: str


class FundTotalsOut(Schema):
    count: int
    amount: DecimalString


# LoanOut, LoansOut (paging.py), LoanIn, LoansImport, LoansImportResult and the fields `loans`,
# `loans_all_funds`, `loans_htx_dev` are the published API's names (OpenAPI components,
# JSON fields: clients generate code from them); the code says "disbursement".
class LoanOut(Schema):
    id: int = Field(..., description="mã khoản giải ngân, không đổi")
    version: int = Field(..., description="gửi lại khi sửa hoặc xóa (khóa lạc quan); cũng là ETag")
    ref: str = Field("", description="mã tham chiếu của hệ thống gửi (rỗng: không có)")
    province: str = Field(..., description="mã của đơn vị mà khoản giải ngân được ghi cho")
    fund: Fund
    date: datetime.date
    borrower: str
    borrower_type: BorrowerKind
    amount: DecimalString
    purpose: str
    term_months: int | None
    updated_at: datetime.datetime = Field(..., description="lần ghi cuối")


class LoanIn(Schema):
    ref: Text = Field(
        "",
        max_length=100,
        description=(
            "mã tham chiếu của hệ thống gửi, duy nhất trong cổng (ví dụ 14-2024-0001): gửi "
            "lại lô thì khoản đã có được tìm theo mã này, không tạo thêm"
        ),
        examples=["14-2024-0001"],
    )
    province: Text = Field(
        ..., description="mã của đơn vị có hiệu lực vào ngày giải ngân", examples=["14"]
    )
    fund: Fund
    date: datetime.date
    borrower: Text = Field(..., examples=["HTX Bình Minh"])
    borrower_type: BorrowerKind
    # Only the shape is checked here; every rule is the import's.
    amount: Money = Field(..., description="triệu đồng, > 0")
    purpose: Text = ""
    term_months: Count | None = None


class LoansImport(Schema):
    # The Excel import's own limit: a batch the file import takes, the API takes too.
    rows: list[LoanIn] = Field(..., min_length=1, max_length=DISBURSEMENTS_IMPORT_MAX_ROWS)


class RowProblem(Schema):
    row: int | None = Field(None, description="1 = dòng đầu tiên được gửi")
    column: str
    message: str


class ImportCounts(Schema):
    created: int = Field(..., description="dòng tạo khoản mới")
    updated: int = Field(..., description="dòng sửa khoản đã có (cùng mã tham chiếu)")
    unchanged: int = Field(..., description="dòng giống hệt khoản đã có: không ghi gì")
    refused: int = Field(..., description="dòng bị từ chối (có lỗi: cả lô không được lưu)")
    total: int


class RowOutcome(Schema):
    row: int = Field(..., description="1 = dòng đầu tiên được gửi")
    ref: str
    action: Literal["created", "updated", "unchanged"]
    id: int | None = Field(None, description="mã khoản giải ngân (null khi chạy thử tạo mới)")


class RowRefusal(Schema):
    row: int | None
    ref: str
    reasons: list[RowProblem]


class LoansImportResult(Schema):
    """The DHIS2-like summary of a batch; with refused rows it is the `summary` member of
    the 422 problem."""

    status: Literal["OK", "ERROR"] = Field(..., description="ERROR: không lưu gì")
    dry_run: bool
    saved: bool
    count: int
    total_amount: DecimalString
    new_borrowers: list[str]
    counts: ImportCounts
    rows: list[RowOutcome] = Field(..., description="kết quả từng dòng (khi không có lỗi)")
    refused: list[RowRefusal] = Field(..., description="các dòng bị từ chối, với lý do")
    errors: list[RowProblem]


class LoanWrite(Schema):
    version: Count | None = Field(
        None, description='phiên bản đã đọc; hoặc gửi tiêu đề If-Match: "<phiên bản>"'
    )
    ref: Text = Field("", max_length=100, description="mã tham chiếu của hệ thống gửi")
    province: Text = Field(
        ..., description="mã của đơn vị có hiệu lực vào ngày giải ngân", examples=["14"]
    )
    fund: Fund
    date: datetime.date
    borrower: Text = Field(..., max_length=255, examples=["HTX Bình Minh"])
    borrower_type: BorrowerKind
    amount: Money = Field(..., description="triệu đồng, > 0")
    purpose: Text = Field("", max_length=500)
    term_months: Count | None = Field(None, ge=0, le=32767)


class LoanPatch(Schema):
    version: Count | None = Field(
        None, description='phiên bản đã đọc; hoặc gửi tiêu đề If-Match: "<phiên bản>"'
    )
    ref: Text | None = Field(None, max_length=100)
    province: Text | None = None
    fund: Fund | None = None
    date: datetime.date | None = None
    borrower: Text | None = Field(None, max_length=255)
    borrower_type: BorrowerKind | None = None
    amount: Money | None = None
    purpose: Text | None = Field(None, max_length=500)
    term_months: Count | None = Field(None, ge=0, le=32767)


class ReportSectionOut(Schema):
    paragraphs: list[str] = Field(..., description="các đoạn, theo thứ tự in trong báo cáo")
    drafted: bool = Field(
        ..., description="true: bản gợi ý từ số liệu (cụm trưởng chưa viết phần này)"
    )


class ReportTotalsOut(Schema):
    cluster: ClusterRef
    year: int
    draft: bool = Field(..., description="true cho đến khi số liệu của mọi thành viên được duyệt")
    preview: bool = Field(
        False,
        description="bản xem trước (tính cả bản ghi đã gửi), không phải báo cáo",
    )
    member_count: int
    entered_count: int
    approved_count: int
    withheld: list[ProvinceRef]
    missing: list[ProvinceRef]
    totals: dict[str, int | DecimalString | None] | None = Field(
        None, description="theo mã chỉ tiêu, tổng hợp theo quy tắc (bình quân gia quyền)"
    )
    agri_share_percent: DecimalString | None
    htx_new_per_province: DecimalString | None
    loans_all_funds: FundTotalsOut
    loans_htx_dev: FundTotalsOut
    legal_basis: list[str] = Field(..., description="các dòng “Căn cứ” mở đầu báo cáo")
    difficulties: ReportSectionOut = Field(..., description="phần “Khó khăn, hạn chế”")
    directions: ReportSectionOut = Field(..., description="phần “Phương hướng, nhiệm vụ năm sau”")

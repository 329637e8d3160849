"""Every number scoring reads, by one test over inputs × samples: a full-width "２７,5", an
exponent "4e1", Python's "2_5" or a pasted "≥ １００" is refused with the portal's usual
message (cluster_portal.numbers) and nothing is saved, on the sheet page (self, cross-check,
settle), the setup page (maximum points, band text, targets, the criteria file), the import
command, the meeting and new-agreement forms, and the scores API (its year, with the API's
message: numbers as machines write them)."""

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cluster_portal.numbers import NumberFormatError, parse_plain_number, parse_vn_number
from emulation.models import Criterion, Score, ScoringAgreement, Target
from emulation.scoring.sheets import sheet_answer
from tests.api_support import API, bearer, token_for
from tests.scoring_helpers import build_agreement, cross_check, data_for, leaf, self_score, unit
from tests.test_scoring_number_input import criteria_csv

pytestmark = pytest.mark.django_db
YEAR = 2023
SAMPLES = ["２７,5", "4e1", "2_5", "≥ １００"]
SETUP = reverse("scoring:setup", args=["tay-bac", YEAR])
SON_LA = reverse("scoring:sheet", args=["tay-bac", YEAR, "14"])


def usual(text: str) -> str:
    with pytest.raises(NumberFormatError) as caught:
        parse_vn_number(text)
    return str(caught.value)


def machine(text: str) -> str:
    with pytest.raises(NumberFormatError) as caught:
        parse_plain_number(text)
    return str(caught.value)


def stored() -> tuple:
    """Everything these inputs could change."""
    return (
        list(ScoringAgreement.objects.values("pk", "version", "total_points", "locked")),
        list(Criterion.objects.order_by("pk").values("pk", "max_points", "bands")),
        list(Target.objects.order_by("pk").values("pk", "value")),
        list(Score.objects.order_by("pk").values()),
    )


def version() -> int:
    agreement = data_for().agreement
    return agreement.version if agreement else 0


def sheet_version() -> int:
    return data_for().column(unit("14").pk).sheet.version


def ii1() -> int:
    return leaf(data_for(), "II.1").pk


# Each input: set up what it needs, then send the sample (a response, or a CommandError).


def self_points(client, sample):
    build_agreement()
    fields = {f"self-{ii1()}": sample, f"just-{ii1()}": "Có minh chứng."}
    return lambda: client.post(SON_LA, {"action": "self", "version": 0, **fields})


def cross_points(client, sample):
    build_agreement()
    self_score("14", {"II.1": 20})
    fields = {f"cross-{ii1()}": sample, f"reason-{ii1()}": "Thiếu"}
    return lambda: client.post(SON_LA, {"action": "cross", "version": sheet_version(), **fields})


def settle_points(client, sample):
    build_agreement()
    self_score("14", {"II.1": 20})
    cross_check("14", {"II.1": (15, "Thiếu")})
    sheet_answer(
        data=data_for(),
        province=unit("14"),
        answers={ii1(): ("contest", "Đủ")},
        seen_version=sheet_version(),
        by=None,
    )
    fields = {f"settle-{ii1()}": sample, f"note-{ii1()}": "Kết luận"}
    return lambda: client.post(SON_LA, {"action": "settle", "version": sheet_version(), **fields})


def criterion_post(client, **fields):
    build_agreement(sign=False)
    criterion = leaf(data_for(), "I.2")
    data = {
        "action": "criterion",
        "criterion": criterion.pk,
        "group": criterion.parent_id,
        "number": "2",
        "title": criterion.title,
        "kind": "band",
        "max_points": "20",
        "indicator": "tht_agri",
        "denominator": "tht_total",
        "bands_text": "≥ 70: 20; còn lại: 5",
        **fields,
    }
    return lambda: client.post(SETUP, {**data, "version": version()})


def max_points(client, sample):
    return criterion_post(client, max_points=sample)


def band_threshold(client, sample):
    head = sample if sample.startswith("≥") else f"≥ {sample}"
    return criterion_post(client, bands_text=f"{head}: 10; còn lại: 2")


def band_points(client, sample):
    return criterion_post(client, bands_text=f"≥ 80: {sample}; còn lại: 0")


def target(client, sample):
    build_agreement(sign=False)
    name = f"t-{leaf(data_for(), 'I.1').pk}-{unit('14').pk}"
    return lambda: client.post(SETUP, {"action": "targets", "version": version(), name: sample})


def criteria_file(column):
    def build(client, sample):
        csv = criteria_csv(sample) if column == "target" else criteria_csv("12", sample)

        def send():
            upload = SimpleUploadedFile("tieu-chi.csv", csv)
            return client.post(SETUP, {"action": "import", "version": version(), "file": upload})

        return send

    return build


def import_command(tmp_path):
    def build(client, sample):
        path = tmp_path / "tieu-chi.csv"
        path.write_bytes(criteria_csv(sample))
        err = io.StringIO()

        def send():
            with pytest.raises(CommandError):
                call_command("import_criteria", str(path), cluster="tay-bac", year=YEAR, stderr=err)
            return err.getvalue()

        return send

    return build


def meeting_present(client, sample):
    build_agreement()
    url = reverse("scoring:meeting", args=["tay-bac", YEAR])
    data = {"meeting_date": "30/11/2023", "present": sample}
    return lambda: client.post(url, {**data, "version": version()})


def new_total(client, sample):
    return lambda: client.post(SETUP, {"action": "new", "version": 0, "total_points": sample})


def api_scores_year(client, sample):
    build_agreement()
    token = token_for(client.user)
    url = f"{API}/clusters/tay-bac/{sample}/scores"
    return lambda: client.get(url, headers=bearer(token))


INPUTS: dict[str, Callable] = {
    "sheet: self points": self_points,
    "sheet: cross-check points": cross_points,
    "sheet: settled points": settle_points,
    "setup: maximum points": max_points,
    "setup: band threshold": band_threshold,
    "setup: band points": band_points,
    "setup: target": target,
    "criteria file: target cell": criteria_file("target"),
    "criteria file: max_points cell": criteria_file("max_points"),
    "import command: target cell": "command",
    "meeting: present": meeting_present,
    "new agreement: total points": new_total,
    "API scores: year": api_scores_year,
}


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    client.user = admin_user
    return client


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("name", list(INPUTS))
def test_every_scoring_input_refuses_what_the_reader_refuses(admin, tmp_path, name, sample):
    build = INPUTS[name] if INPUTS[name] != "command" else import_command(tmp_path)
    send = build(admin, sample)
    before = stored()
    answer = send()
    if isinstance(answer, str):
        text = answer
    else:
        expected = 422 if name.startswith("API") else 400
        assert answer.status_code == expected, answer.content[:500]
        text = answer.content.decode()
    # The API reads numbers as machines write them (parse_plain_number), with its message.
    reader = machine if name.startswith("API") else usual
    messages = {reader(sample), reader(sample.removeprefix("≥ "))}
    assert any(m in text for m in messages), f"{name}: no usual message for {sample}"
    assert stored() == before, f"{name}: {sample} changed something"


@pytest.mark.parametrize(
    ("name", "typed", "status"),
    [
        ("sheet: self points", "27,5", 302),
        ("setup: maximum points", "17,5", 302),
        ("setup: target", "12.000", 302),
        ("new agreement: total points", "100", 302),
        ("API scores: year", "2023", 200),
    ],
)
def test_the_usual_forms_are_read(admin, name, typed, status):
    answer = INPUTS[name](admin, typed)()
    assert answer.status_code == status, answer.content[:500]
    if name == "setup: maximum points":
        assert leaf(data_for(), "I.2").max_points == Decimal("17.5")
    if name == "setup: target":
        assert (
            Target.objects.get(criterion=leaf(data_for(), "I.1"), province=unit("14")).value
            == 12000
        )

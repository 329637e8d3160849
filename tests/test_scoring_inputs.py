"""The sheet's inputs render without a widget template per input (forms.PlainInput), and
write exactly what Django's widget templates write, in every state the page shows."""

from decimal import Decimal

import pytest

from emulation.models import Criterion
from emulation.scoring.forms import EvidenceForm, PlainInput, SheetForm

NAMES = ("self", "just", "cross", "reason", "answer", "comment", "settle", "note")
LEAVES = [Criterion(pk=7, number="1"), Criterion(pk=12, number="2")]


def _same(form: SheetForm) -> None:
    for c in LEAVES:
        for name in NAMES:
            plain = form.field(name, c)
            assert isinstance(plain, PlainInput)
            assert plain.__html__() == str(form[f"{name}-{c.pk}"]), (name, c.pk)
            assert str(plain) == plain.__html__()


def test_unbound_blank_and_with_values():
    _same(SheetForm(leaves=LEAVES))
    initial = {
        "self-7": "27,5",
        "just-7": 'Có "minh chứng" <b>&</b> đủ',
        "cross-7": "25",
        "reason-7": "Thiếu\nvăn bản",
        "answer-7": "contest",
        "comment-7": "x",
        "settle-7": "0",
        "note-7": "",
        "answer-12": "agree",
    }
    _same(SheetForm(initial=initial, leaves=LEAVES))


@pytest.mark.parametrize(
    "posted",
    [
        {"self-7": "abc", "cross-12": "-1", "answer-7": "maybe", "just-12": "<script>"},
        {"self-7": "1,5", "settle-12": "9" * 20, "answer-12": "", "note-7": "ok"},
        {},
    ],
)
def test_bound_with_errors_and_kept_values(posted):
    form = SheetForm(posted, leaves=LEAVES)
    form.is_valid()
    _same(form)
    if "self-7" in posted and posted["self-7"] == "abc":
        html = form.field("self", LEAVES[0]).__html__()
        assert 'aria-invalid="true"' in html and 'value="abc"' in html


def test_plain_input_reads_like_the_bound_field():
    form = SheetForm(initial={"self-7": Decimal("2.5")}, leaves=LEAVES)
    plain = form.field("just", LEAVES[0])
    assert plain.id_for_label == "id_just-7"
    assert plain.label == "Giải trình, minh chứng"
    assert list(plain.errors) == []


@pytest.mark.parametrize("posted", [None, {"criterion": "12"}, {"criterion": "99"}])
def test_the_evidence_criterion_select_matches_django(posted):
    leaves = [Criterion(pk=7, number="1", title="Có <b>"), Criterion(pk=12, number="2", title="B")]
    form = EvidenceForm(posted, leaves=leaves)
    form.is_valid()
    assert PlainInput(form["criterion"]).__html__() == str(form["criterion"])


@pytest.mark.parametrize(
    "posted",
    [
        None,
        {"meeting_date": "31/02/2025", "present": "abc", "votes-1": "-1", "notes": "<b>&"},
        {"meeting_date": "05/12/2025", "present": "12", "votes-2": "3", "notes": ""},
    ],
)
def test_the_meeting_inputs_match_django(posted):
    """The overview's meeting form (a vote input per member, a date, a textarea) is
    written by PlainInput: the same HTML as Django's widget templates, errors included."""
    from emulation.scoring.meeting_form import MeetingForm
    from provinces.organisation.models import Province

    members = [Province(pk=1, name="A <b>"), Province(pk=2, name="B")]
    form = MeetingForm(posted, members=members)
    form.is_valid()
    for bound in form:
        assert PlainInput(bound).__html__() == str(bound), bound.name


def test_each_criterion_has_its_own_labelled_fields():
    """SheetForm clones one field per kind: each criterion keeps its own label."""
    form = SheetForm(leaves=LEAVES)
    assert form.fields["self-7"].label == "Tự chấm 1"
    assert form.fields["self-12"].label == "Tự chấm 2"
    assert form.fields["settle-12"].label == "Kết luận 2"
    assert form.fields["self-7"] is not form.fields["self-12"]
    assert 'class="form-control form-control-sm"' in str(form.field("just", LEAVES[0]))
    assert 'class="form-select form-select-sm"' in str(form.field("answer", LEAVES[1]))

"""The chair's form of the scoring meeting: its date, those present, the "suy tôn" votes
per member and how they were cast (method and ballots, read against the nomination rules
by `meeting.scoring_meeting_record`)."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from cluster_portal.numbers import VietnameseNumberField
from emulation.nominations.models import VotingMethod

from .forms import DATE_ERROR, DATE_FORMATS, _style

BALLOTS = {
    "ballots_issued": gettext_lazy("Số phiếu phát ra"),
    "ballots_returned": gettext_lazy("Số phiếu thu về"),
    "ballots_valid": gettext_lazy("Số phiếu hợp lệ"),
}


class MeetingForm(forms.Form):
    meeting_date = forms.DateField(
        label=gettext_lazy("Ngày họp bình xét"),
        input_formats=DATE_FORMATS,
        error_messages=DATE_ERROR,
    )
    present = VietnameseNumberField(
        integer=True, label=gettext_lazy("Số đại biểu có mặt"), min_value=1, max_value=999
    )
    voting_method = forms.ChoiceField(
        label=gettext_lazy("Hình thức suy tôn"),
        choices=[("", gettext_lazy("Theo quy định của Cụm")), *VotingMethod.choices],
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Ghi chú biên bản"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for name, label in BALLOTS.items():
            self.fields[name] = VietnameseNumberField(
                integer=True, label=label, required=False, min_value=0, max_value=999
            )
        for m in members:
            self.fields[f"votes-{m.pk}"] = VietnameseNumberField(
                integer=True,
                label=gettext("Phiếu suy tôn: %(name)s") % {"name": m.name},
                required=False,
                min_value=0,
                max_value=999,
            )
        _style(self)

    def votes(self) -> dict[int, int | None]:
        return {m.pk: self.cleaned_data.get(f"votes-{m.pk}") for m in self.members}

    def ballot(self) -> dict:
        """The method and ballots, as `scoring_meeting_record` takes them."""
        data = self.cleaned_data
        ballots = {name: data.get(name) for name in BALLOTS}
        return {"voting_method": data.get("voting_method") or None, **ballots}

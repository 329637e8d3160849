from django import forms
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionField

from .models import DEADLINE_FIELDS, Deadlines

DATE_FORMAT = "%d/%m/%Y"


class DeadlinesForm(forms.ModelForm):
    # 0 for deadlines not saved yet (the year's defaults): version_claim's key= case.
    seen_version = SeenVersionField(required=True)

    class Meta:
        model = Deadlines
        fields = list(DEADLINE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version
        for name in DEADLINE_FIELDS:
            field = self.fields[name]
            field.input_formats = [DATE_FORMAT]
            field.widget = forms.DateInput(
                format=DATE_FORMAT,
                attrs={
                    "placeholder": "dd/mm/yyyy",
                    "inputmode": "numeric",
                },
            )
            field.error_messages["invalid"] = _("Ngày không hợp lệ: viết theo dạng ngày/tháng/năm.")
            field.help_text = _("Để trống nếu năm nay không có hạn này.")

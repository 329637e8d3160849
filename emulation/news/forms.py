import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cluster_portal.locking import SeenVersionModelForm

from .models import NewsPost

# Word's line and page breaks, pasted with the text: line breaks of the text.
_WORD_BREAKS = re.compile("[\x0b\x0c]")
# Other control characters a person's text never holds (Word files cannot hold them).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _typed(text: str, *, one_line: bool = False) -> str:
    text = unicodedata.normalize("NFC", _WORD_BREAKS.sub("\n", text))
    if _CONTROLS.search(text):
        raise ValidationError(_("Chuỗi có ký tự điều khiển (như NUL): hãy bỏ chúng đi."))
    return " ".join(text.split()) if one_line else text


class CaptionForm(forms.Form):
    caption = forms.CharField(
        label=_("Chú thích ảnh"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "vi"}),
    )

    def clean_caption(self) -> str:
        return _typed(self.cleaned_data["caption"], one_line=True)


class CaptionFormSet(forms.BaseFormSet):
    """One field per photo, in the photos' order (templates/forms/formset_rows.html: one
    blank row for the next photo, "Thêm dòng" for more); an emptied field drops its photo.
    Stored as the lines of `NewsPost.captions`, so they are saved and versioned with the
    post's text."""

    template_name = "forms/formset_rows.html"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is not None:
            form.fields["caption"].label = _("Chú thích ảnh %(number)s") % {"number": index + 1}

    def captions(self) -> list[str]:
        typed = (form.cleaned_data.get("caption") for form in self.forms)
        return [caption for caption in typed if caption]


CaptionFormSetFactory = forms.formset_factory(
    CaptionForm, formset=CaptionFormSet, extra=1, max_num=30, validate_max=True
)


class NewsPostForm(SeenVersionModelForm):
    """The chair's edit of the post; `seen_version` refuses a save over someone else's.
    The photos' captions are a formset of their own (`photos`), valid with the form."""

    class Meta:
        model = NewsPost
        fields = ["title", "lead", "body"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 4, "lang": "vi"}),
            "body": forms.Textarea(attrs={"rows": 24, "lang": "vi"}),
            "title": forms.Textarea(attrs={"rows": 4, "lang": "vi"}),  # seen whole on a phone
        }

    def __init__(self, data=None, *, captions: list[str] = (), **kwargs):
        super().__init__(data, **kwargs)
        initial = [{"caption": caption} for caption in captions]
        self.photos = CaptionFormSetFactory(data, initial=initial, prefix="photo")

    def clean_title(self) -> str:
        return _typed(self.cleaned_data["title"], one_line=True)

    def clean_lead(self) -> str:
        return _typed(self.cleaned_data["lead"])

    def clean_body(self) -> str:
        return _typed(self.cleaned_data["body"])

    def clean(self):
        data = super().clean()
        if not self.photos.is_valid():
            raise ValidationError(_("Hãy sửa chú thích ảnh được đánh dấu đỏ."))
        self.instance.captions = "\n".join(self.photos.captions())
        return data

    @staticmethod
    def initial_from(post) -> tuple[dict, list[str]]:
        """The form's fields and the captions of a post (saved or drafted)."""
        # A blank line between paragraphs, for the eye (blank lines are no paragraph).
        fields = {"title": post.title, "lead": post.lead, "body": "\n\n".join(post.paragraphs)}
        return fields, list(post.captions)

from django import forms

from cluster_portal.locking import SeenVersionModelForm

from .models import NewsPost


class NewsPostForm(SeenVersionModelForm):
    """The chair's edit of the post; `seen_version` refuses a save over someone else's."""

    class Meta:
        model = NewsPost
        fields = ["title", "lead", "body", "captions"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 4, "lang": "vi"}),
            "body": forms.Textarea(attrs={"rows": 24, "lang": "vi"}),
            "captions": forms.Textarea(attrs={"rows": 4, "lang": "vi"}),
            "title": forms.TextInput(attrs={"lang": "vi"}),
        }

    @staticmethod
    def initial_from(post) -> dict:
        return {
            "title": post.title,
            "lead": post.lead,
            "body": "\n".join(post.paragraphs),
            "captions": "\n".join(post.captions),
        }

from django.utils.functional import SimpleLazyObject

from .models import Notice


def unread_notices(request) -> dict:
    """The navbar's unread count, queried only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notices": SimpleLazyObject(
            lambda: Notice.objects.filter(recipient=user).unread().count()
        )
    }

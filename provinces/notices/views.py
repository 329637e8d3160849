from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cluster_portal import access
from cluster_portal.numbers import parse_id

from .account import (
    EmailChangeError,
    EmailChangeLimited,
    email_change_confirm,
    email_change_request,
)
from .forms import EmailChangeForm, PhoneCodeForm, PhoneForm, PreferenceForm
from .models import Notice
from .phone import PhoneError, phone_code_confirm, phone_code_start, shown
from .selectors import preference_for
from .services import notice_mark_read, notices_mark_all_read, preference_save
from .zalo import confirmed_phone, otp_send


@login_required
def unread(request):
    """The navbar's badge (static/js/notices.js): how many notices the user has not read."""
    count = Notice.objects.filter(recipient=request.user).unread().count()
    response = JsonResponse({"unread": count})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def inbox(request):
    notices = (
        Notice.objects.filter(recipient=request.user)
        .select_related("zalo")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notices, 30).get_page(parse_id(request.GET.get("page")) or 1)
    unread_count = Notice.objects.filter(recipient=request.user).unread().count()
    return render(request, "notices/inbox.html", {"page": page, "unread_count": unread_count})


def _notice_for(request, pk: int) -> Notice:
    notice = get_object_or_404(Notice, pk=pk)
    if not access.can_read_notice(request.user, notice.recipient_id):
        raise Http404
    return notice


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notice read, then go where it points (or back to the inbox)."""
    notice = notice_mark_read(notice=_notice_for(request, pk))
    target = notice.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = notices_mark_all_read(user=request.user)
    messages.success(
        request, gettext("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count}
    )
    return redirect("notices:inbox")


def _preference_form(user, data=None) -> PreferenceForm:
    current = preference_for(user)
    return PreferenceForm(
        data,
        initial={
            "delivery": current.delivery,
            "mute_reminders": current.mute_reminders,
            "channel": current.channel,
        },
        phone_confirmed=bool(confirmed_phone(current)),
    )


def _preferences_page(request, status: int = 200, **forms):
    """The preferences page with whichever of its forms the request filled."""
    preference = preference_for(request.user)
    context = {
        "form": forms.get("form") or _preference_form(request.user),
        "email_form": forms.get("email_form") or EmailChangeForm(user=request.user),
        "phone_form": forms.get("phone_form") or PhoneForm(),
        "code_form": forms.get("code_form") or PhoneCodeForm(),
        "zalo_enabled": settings.ZALO_ENABLED,
        "phone": shown(confirmed_phone(preference)),
        "pending_phone": shown(preference.pending_phone),
    }
    return render(request, "notices/preferences.html", context, status=status)


@login_required
def preferences(request):
    form = _preference_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, gettext("Đã lưu cách nhận thông báo."))
        return redirect("notices:preferences")
    return _preferences_page(request, 400 if request.method == "POST" else 200, form=form)


@login_required
@require_POST
def phone_start(request):
    """Send a confirmation code to the number typed (through ZNS's OTP template)."""
    phone_form = PhoneForm(request.POST)
    if phone_form.is_valid():
        try:
            phone = phone_code_start(
                user=request.user, number=phone_form.cleaned_data["phone"], send=otp_send
            )
        except PhoneError as exc:
            phone_form.add_error("phone", str(exc))
        else:
            messages.success(
                request,
                gettext("Đã gửi mã xác nhận qua Zalo tới %(phone)s; mã dùng được 10 phút.")
                % {"phone": shown(phone)},
            )
            return redirect("notices:preferences")
    return _preferences_page(request, 400, phone_form=phone_form)


@login_required
@require_POST
def phone_confirm(request):
    code_form = PhoneCodeForm(request.POST)
    if code_form.is_valid():
        try:
            phone = phone_code_confirm(user=request.user, code=code_form.cleaned_data["code"])
        except PhoneError as exc:
            code_form.add_error("code", str(exc))
        else:
            messages.success(
                request,
                gettext("Đã xác nhận số %(phone)s. Hãy chọn kênh Zalo để nhận thông báo qua Zalo.")
                % {"phone": shown(phone)},
            )
            return redirect("notices:preferences")
    return _preferences_page(request, 400, code_form=code_form)


@login_required
@require_POST
def email_change(request):
    email_form = EmailChangeForm(request.POST, user=request.user)
    status = 400
    if email_form.is_valid():
        email = email_form.cleaned_data["email"]
        try:
            email_change_request(user=request.user, email=email)
        except EmailChangeLimited as exc:
            email_form.add_error("email", str(exc))
            status = 429
        else:
            messages.success(
                request,
                _(
                    "Đã gửi đường dẫn xác nhận tới %(email)s. Địa chỉ chỉ được đổi khi bạn mở "
                    "đường dẫn đó; các đường dẫn gửi trước không còn dùng được."
                )
                % {"email": email},
            )
            return redirect("notices:preferences")
    return _preferences_page(request, status, email_form=email_form)


@login_required
def email_confirm(request, token: str):
    try:
        email = email_change_confirm(user=request.user, token=token)
    except EmailChangeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, gettext("Địa chỉ thư điện tử của bạn nay là %(email)s.") % {"email": email}
        )
    return redirect("notices:preferences")

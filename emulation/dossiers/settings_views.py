"""The chair's settings of the dossier as signed documents: number, date, place,
addressee, recipients and signer of the submission letter; number, times, chair and
secretary of the minutes. The rules live in `models.py` (clean, constraints) and
`services.dossier_settings_save` (the version check, the letter's date against what it
encloses); access in `cluster_portal.access` (the chair of the year, admins)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from cluster_portal import access
from cluster_portal.locking import form_saved
from provinces.organisation.lookups import cluster_year_for

from .letter import MINUTES_RECIPIENTS, RECIPIENTS, latest_enclosure, letter_for
from .models import DEFAULT_ADDRESSEE, DossierSettings
from .selectors import dossier_for
from .services import dossier_settings_save
from .settings_form import DossierSettingsForm


@login_required
def dossier_settings_edit(request, cluster: str, year: int):
    cluster_obj, _members, term = cluster_year_for(request, cluster, year)
    if not access.can_build_dossier(request.user, term):
        raise PermissionDenied
    dossier = dossier_for(cluster_obj, year)
    instance = dossier.settings or DossierSettings(cluster=cluster_obj, year=year)
    dossier.settings = None
    defaults = letter_for(dossier)  # what an empty field prints
    latest = latest_enclosure(dossier)
    form = DossierSettingsForm(
        request.POST or None,
        instance=instance,
        defaults={
            "document_date": latest[1].strftime("%d/%m/%Y") if latest else "",
            "place": defaults.place,
            "addressee": DEFAULT_ADDRESSEE,
            "signer_title": defaults.signer_title,
            "signer_name": defaults.signer_name,
            "recipients": "\n".join(RECIPIENTS),
            "chair_name": defaults.signer_name,
        },
    )
    save = partial(dossier_settings_save, dossier_settings=form.instance)
    status = form_saved(request, form, save)
    if status is None:
        messages.success(request, gettext("Đã lưu thiết lập hồ sơ khen thưởng."))
        return redirect("dossiers:page", cluster_obj.slug, year)
    history = list(instance.history.select_related("history_user")[:8]) if instance.pk else []
    return render(
        request,
        "dossiers/dossier_settings.html",
        {
            "dossier": dossier,
            "form": form,
            "symbol": defaults.symbol,
            "latest": latest,
            "minutes_recipients": MINUTES_RECIPIENTS,
            "history": history,
            "can_edit_symbol": access.can_edit_report_settings(request.user, term),
        },
        status=status,
    )

"""The rows of the scoring pages, written in Python: a member's sheet (`SheetRows`) and the
overview's members table and ranking list (`member_rows`, `ranking_rows`). Each writes the
HTML its template loop wrote (same text, same whitespace, every value escaped as the
template escaped it, the same `translate` texts), without a template node per value: a
sheet of 80 criteria is 80 rows of about 40 values each. The sheet's inputs are
`forms.PlainInput`s of the page's `SheetForm` (its values, errors and `aria-invalid`)."""

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat, truncatechars
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from cluster_portal.number_style import format_exact, format_points

from .forms import escaped as esc
from .models import CriterionKind
from .rules import attainment_text, working_number

_TRANSLATED: dict = {}


def _(text: str) -> str:
    """A `{% translate %}` text as the template wrote it: a literal of the template is
    safe, and so is its translation (not escaped). Looked up once per language. Named `_`
    so that makemessages finds the texts."""
    key = (get_language(), text)
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = gettext(text)
    return found


# The texts this module writes inside f-strings, where makemessages does not look: named
# here so that the catalogue holds them.
_IN_F_STRINGS = (
    gettext_noop("Số liệu"),
    gettext_noop("chỉ tiêu"),
    gettext_noop("mức"),
    gettext_noop("điểm"),
    gettext_noop("tối đa"),
    gettext_noop("Tự chấm"),
    gettext_noop("Cụm chấm"),
    gettext_noop("Minh chứng"),
    gettext_noop("Để trống: lấy điểm tính từ số liệu"),
    gettext_noop("Để trống: đồng ý với điểm tự chấm"),
    gettext_noop("như tự chấm"),
    gettext_noop("Ý kiến của tỉnh"),
    gettext_noop("Cụm trưởng kết luận"),
    gettext_noop("Kết luận"),
    gettext_noop("dẫn đầu"),
)


def _points(value) -> str:
    return esc(format_points(value))


def _errors(field) -> str:
    return "".join(f'<div class="text-danger small">{esc(e)}</div>' for e in field.errors)


def _working(c, w) -> str:
    parts = ["", "", "", "", ""]
    if w.value is not None:
        parts[0] = f"{_('Số liệu')}: {esc(working_number(w.value, c.indicator))}"
        if w.denominator is not None:
            parts[0] += f" / {esc(working_number(w.denominator, c.denominator))}"
    if w.target is not None:
        parts[1] = f" · {_('chỉ tiêu')}: {esc(working_number(w.target, c.indicator))}"
    if w.ratio is not None:
        label = _("đạt") if c.kind == "target" else _("tỷ lệ")
        parts[2] = f" · {label} {esc(attainment_text(w.ratio, c.bands))}"
    if w.band:
        band = _("còn lại") if w.band == "còn lại" else esc(w.band)  # rules.band_points
        parts[3] = f" · {_('mức')} {band} → {_points(w.points)} {_('điểm')}"
    if w.note:
        parts[4] = f" · <em>{esc(w.note)}</em>"  # in the reader's language (rules.py)
    return (
        '\n          <div class="working" data-testid="working">\n            '
        + "\n            ".join(parts)
        + "\n          </div>\n        "
    )


class SheetRows:
    """Writes the rows of one member's sheet for one reader (`rights`)."""

    def __init__(self, *, data, province, column, rights: dict, form, evidence: dict):
        self.data, self.province, self.column = data, province, column
        self.rights, self.form, self.evidence = rights, form, evidence
        self.cross_checked = bool(column.sheet and column.sheet.cross_checked_at)
        self._kind_labels: dict = {}  # kind -> its label, escaped: looked up once per kind

    def html(self) -> SafeString:
        out = []
        for line in self.data.lines:
            c = line.criterion
            if c.is_group:
                branch = self._group(line, c)
            else:
                branch = self._leaf(line, c, self.column.cells[c.pk])
            out.append(f"\n  {branch}\n  ")
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped above

    def _group(self, line, c) -> str:
        most = ""
        if c.kind != "group" or c.max_points:
            most = f' <span class="text-muted small">({_("tối đa")} {_points(c.max_points)})</span>'
        points = _points(self.data.points(self.column, c))
        return (
            f'\n    <div class="criterion group depth-{line.depth} d-flex '
            f'justify-content-between gap-2" data-testid="group-row">\n'
            f"      <span>{esc(c.number)}. {esc(c.title)}{most}</span>\n"
            f'      <span class="num">{points}</span>\n    </div>\n  '
        )

    def _field(self, name: str, c):
        return self.form.field(name, c)

    def _leaf(self, line, c, cell) -> str:
        number = esc(c.number)
        most = _("trừ tối đa") if c.kind == CriterionKind.PENALTY else _("tối đa")
        working = _working(c, cell.working) if cell.working else ""
        kind = self._kind_labels.get(c.kind)
        if kind is None:
            kind = self._kind_labels[c.kind] = esc(c.get_kind_display())
        return (
            f'\n    <div class="criterion row g-2 depth-{line.depth}'
            f'{" differs" if cell.differs else ""}" data-testid="criterion-row" '
            f'data-number="{number}" data-kind="{esc(c.kind)}">\n'
            f'      <div class="col-12 col-md-5">\n'
            f"        <div><strong>{number}.</strong> {esc(c.title)}</div>\n"
            f'        <div class="small text-muted">{kind} · {most} '
            f"{_points(c.max_points)}</div>\n"
            f"        {working}\n"
            f"        {self._evidence(cell)}\n"
            f"      </div>\n"
            f'      <div class="col-6 col-md-3">\n'
            f'        <div class="step-label">{_("Tự chấm")}</div>\n'
            f"        {self._self(c, cell)}\n"
            f"      </div>\n"
            f'      <div class="col-6 col-md-4">\n'
            f'        <div class="step-label">{_("Cụm chấm")}</div>\n'
            f"        {self._cross(c, cell)}\n"
            f"        {self._answer(c, cell)}\n"
            f"        {self._settle(c, cell)}\n"
            f"      </div>\n    </div>\n  "
        )

    def _evidence(self, cell) -> str:
        items = self.evidence.get(cell.score.pk, []) if cell.score else []
        if not items:
            return ""
        data = self.data
        lines = "".join(
            f'<li>{_("Minh chứng")}: <a href="'
            + esc(
                reverse(
                    "scoring:evidence",
                    args=[data.cluster.slug, data.year, self.province.code, item.pk],
                )
            )
            + f'">{esc(item.original_name)}</a> <span class="text-muted">'
            f"({esc(filesizeformat(item.size))})</span></li>"
            for item in items
        )
        return (
            '<ul class="list-unstyled small mb-0 mt-1" data-testid="evidence">\n          '
            f"{lines}\n        </ul>"
        )

    def _self(self, c, cell) -> str:
        if self.rights["edit"]:
            points, just = self._field("self", c), self._field("just", c)
            computed = ""
            if cell.working:
                computed = (
                    f'<div class="form-text">{_("Để trống: lấy điểm tính từ số liệu")} '
                    f"({_points(cell.working.points) or '—'})</div>"
                )
            return (
                f"\n          {points.__html__()}{_errors(points)}\n"
                f"          {computed}\n"
                f'          <label class="visually-hidden" for="{esc(just.id_for_label)}">'
                f"{esc(just.label)}</label>\n"
                f"          {just.__html__()}\n        "
            )
        score = cell.score
        note = ""
        if score is not None and score.justification:
            note = f'<div class="small">{esc(score.justification)}</div>'
        return (
            f'\n          <div class="points" data-testid="self-points">'
            f"{_points(cell.self_points) or '—'}</div>\n          {note}\n        "
        )

    def _cross(self, c, cell) -> str:
        if self.rights["cross"]:
            points, reason = self._field("cross", c), self._field("reason", c)
            return (
                f"\n          {points.__html__()}{_errors(points)}\n"
                f'          <div class="form-text">{_("Để trống: đồng ý với điểm tự chấm")}'
                f"</div>\n"
                f'          <label class="visually-hidden" for="{esc(reason.id_for_label)}">'
                f"{esc(reason.label)}</label>{reason.__html__()}\n        "
            )
        if cell.cluster_points is not None:
            shown = _points(cell.cluster_points)
        elif self.cross_checked:
            shown = f'<span class="small text-muted fw-normal">{_("như tự chấm")}</span>'
        else:
            shown = "—"
        score = cell.score
        reason = ""
        if score is not None and score.cluster_reason:
            reason = (
                f'<div class="small" data-testid="cluster-reason">{esc(score.cluster_reason)}</div>'
            )
        return (
            f'\n          <div class="points" data-testid="cluster-points">{shown}</div>\n'
            f"          {reason}\n        "
        )

    def _answer(self, c, cell) -> str:
        if not cell.differs:
            return ""
        score = cell.score
        inner = ""
        if self.rights["answer"]:
            answer, comment = self._field("answer", c), self._field("comment", c)
            inner = (
                f'\n              <label class="form-label small mb-0" '
                f'for="{esc(answer.id_for_label)}">{_("Ý kiến của tỉnh")}</label>'
                f"{answer.__html__()}\n              {comment.__html__()}\n            "
            )
        elif score is not None and score.response:
            said = ""
            if score.response_comment:
                said = f": {esc(score.response_comment)}"
            inner = (
                f'\n              <span class="{"contested" if cell.contested else ""}" '
                f'data-testid="response">{esc(score.get_response_display())}</span>'
                f"{said}\n            "
            )
        return (
            f'\n          <div class="mt-1 small">\n            {inner}\n          </div>\n        '
        )

    def _settle(self, c, cell) -> str:
        if not (cell.differs or cell.contested):
            return ""
        score = cell.score
        inner = ""
        if self.rights["settle"]:
            settle, note = self._field("settle", c), self._field("note", c)
            inner = (
                f'\n            <div class="mt-1"><span class="step-label">'
                f"{_('Cụm trưởng kết luận')}</span>{settle.__html__()}{_errors(settle)}"
                f"{note.__html__()}</div>\n          "
            )
        elif score is not None and score.settled_points is not None:
            inner = (
                f'\n            <div class="mt-1 small" data-testid="settled">'
                f'<span class="step-label">{_("Kết luận")}</span> '
                f"<strong>{_points(score.settled_points)}</strong> — "
                f"{esc(score.settle_note)}</div>\n          "
            )
        return f"\n          {inner}\n        "


def _difference(column) -> str:
    """ "Chênh lệch" on the overview: the cluster's total less the member's own, in points,
    and under it how many criteria the cluster scored differently."""
    out = ""
    if column.difference or column.differences:
        out = (
            f'<span class="badge text-bg-warning" data-testid="difference">'
            f"{esc(format_points(column.difference, signed=True))} {_('điểm')}</span>"
        )
    if column.differences:
        count = ngettext("%(count)s tiêu chí", "%(count)s tiêu chí", column.differences) % {
            "count": format_exact(column.differences)
        }
        out += f'<br><small class="text-muted" data-testid="differing">{esc(count)}</small>'
    return out


def member_rows(rows: list[dict], data, *, summary: bool) -> SafeString:
    """The overview's table body, a row per member: what its `{% for row in rows %}`
    loop wrote (`rows`: the column, and whether the reader may read the sheet)."""
    out = []
    agreement = data.agreement
    for row in rows:
        c = row["column"]
        province = c.province
        name = esc(province.name)
        readable = row["readable"] and agreement
        if readable:
            url = reverse("scoring:sheet", args=[data.cluster.slug, data.year, province.code])
            name = f'<a href="{esc(url)}">{name}</a>'
            rank = "" if not summary or c.standing is None else esc(c.standing.rank or "")
            differences = _difference(c)
            own = _points(c.self_total) if c.scored else ""
            total = _points(c.total) if c.scored else gettext("chưa chấm")
            cells = (
                f'\n              <td class="num">{own}</td>\n'
                f'              <td class="num fw-semibold" data-testid="total">'
                f"{total}</td>\n"
                f'              <td class="num" data-testid="rank">{rank}</td>\n'
                f'              <td class="num d-none d-md-table-cell">{differences}</td>\n'
                f"            "
            )
        else:
            later = _("xem được sau cuộc họp bình xét") if agreement else ""
            cells = (
                f'\n              <td class="num text-muted" colspan="4">{later}</td>\n            '
            )
        out.append(
            f'\n          <tr data-testid="member-row" data-code="{esc(province.code)}">\n'
            f'            <th scope="row">{name}</th>\n'
            f'            <td><span class="badge sheet-{esc(c.status_class)}">'
            f"{esc(c.status_label)}</span></td>\n"
            f"            {cells}\n          </tr>\n        "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


def ranking_rows(data) -> SafeString:
    """The overview's ranking list: what its `{% for s in data.ranking %}` loop wrote."""
    out = []
    points = _("điểm")
    for n, s in enumerate(data.ranking):
        leader = ""
        if data.locked and s.rank == 1 and n == 0:
            leader = f' <span class="badge badge-head">{_("dẫn đầu")}</span>'
        out.append(
            f'<li value="{esc(s.rank)}" data-testid="ranking-row">'
            f"{esc(s.key.province.alliance_name)} — <strong>{_points(s.total)}</strong> "
            f"{points}{leader}</li>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


def unranked_rows(data) -> SafeString:
    """The members without a sheet, after the ranking: "chưa chấm", no rank, no points."""
    names = ", ".join(esc(c.province.alliance_name) for c in data.unscored_columns)
    if not names:
        return mark_safe("")
    label = gettext("Chưa chấm")
    return mark_safe(  # noqa: S308 - the names are escaped
        f'<p class="small mb-2" data-testid="unranked">{label}: {names}.</p>'
    )


def meeting_inputs(data, fields: list) -> dict:
    """The overview's meeting form, what its two `{% for %}` loops wrote: the members'
    sheet versions (`hidden`) and a labelled input per field (`inputs`; `fields`: the
    form's `PlainInput`s, a vote per member)."""
    hidden = "".join(
        f'<input type="hidden" name="sheet-{esc(column.province.pk)}" '
        f'value="{esc(column.sheet.version)}">'
        for column in data.columns
        if column.sheet
    )
    inputs = "".join(
        f'\n        <div class="{"col-12" if field.name == "notes" else "col-6 col-md-3"}">\n'
        f'          <label class="form-label small" for="{esc(field.id_for_label)}">'
        f"{esc(field.label)}</label>\n"
        f"          {field.__html__()}"
        + "".join(f'<div class="text-danger small">{esc(e)}</div>' for e in field.errors)
        + "\n        </div>\n      "
        for field in fields
    )
    return {"hidden": mark_safe(hidden), "inputs": mark_safe(inputs)}  # noqa: S308 - escaped


def history_rows(history: list) -> SafeString:
    """The sheet's history table body: what its `{% for h in history %}` loop wrote (the
    time in the current time zone, "—" for nobody, the title cut at 40 characters)."""
    out = []
    for h in history:
        user = h.history_user.username if h.history_user is not None else ""
        when = date_filter(template_localtime(h.history_date), "d/m/Y H:i")
        out.append(
            f'<tr>\n      <td class="text-nowrap">{esc(when)}</td><td>{esc(user or "—")}</td>\n'
            f"      <td>{esc(h.criterion.number)}. {esc(truncatechars(h.criterion.title, 40))}</td>"
            f"<td>{esc(h.history_change_reason or '')}</td>\n"
            f'      <td class="num">{_points(h.self_points)}</td>'
            f'<td class="num">{_points(h.cluster_points)}</td>'
            f'<td class="num">{_points(h.settled_points)}</td>'
            f'<td class="num">{_points(h.final_points)}</td>\n    </tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above

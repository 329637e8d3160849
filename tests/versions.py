"""What a page shows and posts back: the version stored now (optimistic locking)."""


def shown_version(record) -> int:
    """The version of `record` as stored now, as a page opened now would post it back."""
    rows = type(record)._default_manager.filter(pk=record.pk)
    return rows.values_list("version", flat=True).get()


def sheet_version(data, province) -> int:
    """A member's score sheet as its page shows it: its version, 0 before its first save."""
    from emulation.models import ScoreSheet

    sheet = ScoreSheet.objects.filter(agreement=data.agreement, province=province).first()
    return sheet.version if sheet else 0


def term_version(cluster, year: int) -> int:
    """The rotation page's version of a cluster's term for a year: 0 when there is none."""
    from provinces.models import ClusterTerm

    term = ClusterTerm.objects.filter(cluster=cluster, year=year).first()
    return term.version if term else 0

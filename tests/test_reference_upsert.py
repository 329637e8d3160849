"""The reference loaders write through `upsert`: a change moves the row's version (an
admin form opened before it is then refused as stale), loading again writes nothing."""

import pytest

from emulation.nominations.models import AwardType
from emulation.nominations.reference import load_award_types
from provinces.organisation.models import Cluster, ClusterMembership, ClusterTerm, Province
from provinces.organisation.reference import load_clusters, load_provinces, load_terms

pytestmark = pytest.mark.django_db


def reload_all():
    load_provinces(Province)
    load_clusters(Cluster, ClusterMembership, Province)
    load_terms(ClusterTerm, Cluster, Province)
    load_award_types(AwardType)


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "version"))
        for model in (Province, Cluster, ClusterMembership, ClusterTerm, AwardType)
    } | {
        "history": sum(
            model.history.count() for model in (Province, Cluster, ClusterMembership, ClusterTerm)
        )
    }


def test_loading_again_writes_nothing():
    before = snapshot()
    reload_all()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("model", "field", "changed"),
    [
        (Province, "name", "Tên sửa tay"),
        (Cluster, "name", "Cụm sửa tay"),
        (ClusterMembership, "to_year", 2099),
        (AwardType, "name", "Giải sửa tay"),
    ],
)
def test_a_row_the_loader_puts_back_moves_its_version(model, field, changed):
    row = model.objects.order_by("pk").first()
    original = getattr(row, field)
    model.objects.filter(pk=row.pk).update(**{field: changed})
    reload_all()
    row_after = model.objects.get(pk=row.pk)
    assert getattr(row_after, field) == original
    assert row_after.version == row.version + 1


def test_a_term_the_loader_puts_back_moves_its_version():
    term = ClusterTerm.objects.exclude(vice=None).order_by("pk").first()
    ClusterTerm.objects.filter(pk=term.pk).update(vice=None)
    reload_all()
    after = ClusterTerm.objects.get(pk=term.pk)
    assert after.vice_id == term.vice_id
    assert after.version == term.version + 1

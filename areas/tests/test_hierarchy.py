from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from areas.models import AdministrativeUnit, Level
from areas.services import hamlet_close, hamlet_create, hamlet_update, unit_create

pytestmark = pytest.mark.django_db


def test_within_returns_exactly_the_subtree(tree):
    inside = set(AdministrativeUnit.objects.within(tree.district_a))
    assert inside == {tree.district_a, tree.commune_a, tree.commune_a2, tree.hamlet_a}


def test_within_is_one_query_whatever_the_depth(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(AdministrativeUnit.objects.within(tree.province))


def test_ids_that_share_a_prefix_do_not_leak_into_each_others_subtree(tree):
    # /1/2/ must not match /1/23/: the path ends every id with a slash.
    paths = [u.path for u in AdministrativeUnit.objects.all()]
    assert all(p.startswith("/") and p.endswith("/") for p in paths)
    for unit in AdministrativeUnit.objects.all():
        for other in AdministrativeUnit.objects.within(unit):
            assert other.pk == unit.pk or unit.pk in other.ancestor_ids


@pytest.mark.postgres
def test_the_subtree_filter_uses_the_path_index_on_postgresql(tree, require_postgres):
    query = AdministrativeUnit.objects.within(tree.district_a).only("pk").query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "path" in plan and "Index" in plan, plan


def test_a_code_is_unique_among_current_units_but_may_be_reused_after_closing(tree):
    with pytest.raises(ValidationError), transaction.atomic():
        unit_create(
            code="05569",
            name="Xã Định Hóa",
            level=Level.COMMUNE,
            parent=tree.district_a,
            valid_from=datetime.date(2025, 7, 1),
        )
    AdministrativeUnit.objects.filter(pk=tree.commune_a2.pk).update(
        valid_to=datetime.date(2025, 6, 30)
    )
    reused = unit_create(
        code="05569",
        name="Xã Định Hóa",
        level=Level.COMMUNE,
        parent=tree.province,
        valid_from=datetime.date(2025, 7, 1),
    )
    assert AdministrativeUnit.objects.filter(code="05569").count() == 2
    assert AdministrativeUnit.objects.current().get(code="05569") == reused
    assert (
        AdministrativeUnit.objects.valid_on(datetime.date(2024, 1, 1)).get(code="05569")
        == tree.commune_a2
    )


def test_the_database_refuses_two_current_units_with_one_code(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(
            code="05536",
            name="Bản sao",
            level=Level.COMMUNE,
            parent=tree.district_a,
            valid_from=datetime.date(2020, 1, 1),
        )


def test_a_commune_cannot_sit_under_a_hamlet(tree):
    with pytest.raises(ValidationError):
        unit_create(
            code="99999",
            name="Xã Lạ",
            level=Level.COMMUNE,
            parent=tree.hamlet_a,
            valid_from=datetime.date(2020, 1, 1),
        )


def test_a_new_hamlet_gets_the_next_local_code_of_its_commune(tree):
    second = hamlet_create(commune=tree.commune_a, name="Tổ dân phố Hợp Thành")
    assert tree.hamlet_a.code == "05536-01"
    assert second.code == "05536-02"
    assert second.path == f"{tree.commune_a.path}{second.pk}/"
    assert second.valid_from == timezone.localdate()


def test_names_are_stored_nfc_and_searched_without_accents(tree):
    decomposed = "Xo\u0301m \u0110o\u0302\u0300ng Ta\u0302m"  # "Xóm Đồng Tâm" typed decomposed
    hamlet = hamlet_create(commune=tree.commune_a, name=decomposed)
    assert hamlet.name == "Xóm Đồng Tâm"
    assert list(AdministrativeUnit.objects.search("xom dong tam")) == [hamlet]
    assert list(AdministrativeUnit.objects.search("ĐỒNG TÂM")) == [hamlet]
    assert tree.district_a in AdministrativeUnit.objects.search("dinh hoa")


def test_two_hamlets_of_one_commune_cannot_share_a_name_even_without_accents(tree):
    with pytest.raises(ValidationError) as info:
        hamlet_create(commune=tree.commune_a, name="to dan pho trung kien")
    assert "name" in info.value.error_dict


def test_the_same_hamlet_name_is_fine_in_another_commune(tree):
    assert hamlet_create(commune=tree.commune_b, name="Tổ dân phố Trung Kiên").pk


def test_hamlets_can_only_be_created_in_a_commune(tree):
    with pytest.raises(ValidationError):
        hamlet_create(commune=tree.district_a, name="Xóm Lạ")


def test_renaming_a_hamlet_keeps_its_code_when_none_is_given(tree):
    hamlet_update(hamlet=tree.hamlet_a, name="Tổ dân phố Trung Kiên Mới", code="")
    tree.hamlet_a.refresh_from_db()
    assert (tree.hamlet_a.name, tree.hamlet_a.code) == ("Tổ dân phố Trung Kiên Mới", "05536-01")


def test_a_closed_hamlet_leaves_current_lists_but_stays_in_history(tree):
    today = timezone.localdate()
    hamlet_close(hamlet=tree.hamlet_a, closed_on=today)
    assert tree.hamlet_a not in AdministrativeUnit.objects.current()
    assert tree.hamlet_a in AdministrativeUnit.objects.valid_on(today)
    assert tree.hamlet_a in AdministrativeUnit.objects.within(tree.commune_a)


def test_a_hamlet_cannot_be_closed_in_the_future_or_twice(tree):
    with pytest.raises(ValidationError):
        hamlet_close(
            hamlet=tree.hamlet_a, closed_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    hamlet_close(hamlet=tree.hamlet_a, closed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        hamlet_close(hamlet=tree.hamlet_a, closed_on=timezone.localdate())


def test_every_queryset_scoped_by_a_unit_speaks_the_one_vocabulary():
    """within() and for_user() are defined once (areas.models.UnitScopedQuerySet); a model's
    queryset only names the lookup to its unit."""
    from django.apps import apps

    from areas.models import UnitScopedQuerySet

    # Scoped otherwise: a report and an upload by their requester, the audit log by role, a
    # notification by its recipient (and, of theirs, those about their area today).
    own_rules = {"Report", "ImportBatch", "AuditEvent", "Notification"}
    scoped = []
    for model in apps.get_models():
        queryset = type(model._default_manager.get_queryset())
        if not hasattr(queryset, "for_user") or model.__name__ in own_rules:
            continue
        assert issubclass(queryset, UnitScopedQuerySet), model.__name__
        assert "within" not in vars(queryset) and "_path_lookup" not in vars(queryset)
        scoped.append(model.__name__)
    assert {"Household", "Citizen", "Visit", "Team", "TeamMember", "Course", "User"} <= set(scoped)

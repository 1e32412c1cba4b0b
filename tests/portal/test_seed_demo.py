import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from needs.models import Child
from portal.models import Village

EXCLUDED_FIELDS = {"last_login"}


def _snapshot():
    """Every row of every model the portal owns, history tables included."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label not in {"portal", "needs", "donors", "allocations", "reports"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in EXCLUDED_FIELDS]
        snapshot[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return snapshot


@pytest.mark.django_db
def test_running_seed_demo_twice_leaves_the_same_data(capsys, settings):
    settings.DEBUG = True  # the demo passwords are set too
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    assert "commune" in capsys.readouterr().out
    assert get_user_model().objects.get(username="leader").check_password("portal-demo")


@pytest.mark.django_db
def test_the_demo_has_a_few_hundred_children_in_mountain_communes():
    call_command("seed_demo")
    children = Child.objects.select_related("commune", "ethnic_group")
    assert 200 <= children.count() <= 1000
    assert {c.ethnic_group.name for c in children} == {"Tày", "Nùng", "Dao", "Mông", "Sán Chay"}
    for child in children[:50]:
        assert child.commune.classification_on().extremely_disadvantaged
        assert child.village.commune_id == child.commune_id
    assert Village.objects.count() >= 8 * 5

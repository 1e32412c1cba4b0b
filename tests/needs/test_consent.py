"""The bulk consent expression answers exactly as Child.consents_to, for every child at once."""

import datetime as dt

import pytest

from needs.models import Child, ChildConsent, ConsentGiver, ConsentPurpose
from needs.selectors import consent_in_force
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)
SHARE = ConsentPurpose.SHARE_WITH_SPONSOR


def consent(child, giver, *, purpose=SHARE, given_on=dt.date(2026, 1, 1), withdrawn_on=None):
    ChildConsent.objects.create(
        child=child, given_by=giver, giver_name="x", purpose=purpose, given_on=given_on, withdrawn_on=withdrawn_on
    )


def test_it_agrees_with_consents_to_for_every_case(personas):
    G, C = ConsentGiver.GUARDIAN, ConsentGiver.CHILD
    young = dt.date(2021, 3, 1)  # 5 on ON
    turns_seven_on_the_day = dt.date(2019, 6, 1)
    turns_seven_the_day_after = dt.date(2019, 6, 2)
    cases = {
        "young, guardian only": (young, [dict(giver=G)], True),
        "young, nobody": (young, [], False),
        "seven today, guardian only": (turns_seven_on_the_day, [dict(giver=G)], False),
        "seven tomorrow, guardian only": (turns_seven_the_day_after, [dict(giver=G)], True),
        "older, both": (dt.date(2015, 1, 1), [dict(giver=G), dict(giver=C)], True),
        "older, child only": (dt.date(2015, 1, 1), [dict(giver=C)], False),
        "withdrawn": (young, [dict(giver=G, withdrawn_on=dt.date(2026, 5, 1))], False),
        "withdrawn later": (young, [dict(giver=G, withdrawn_on=dt.date(2026, 7, 1))], True),
        "given later": (young, [dict(giver=G, given_on=dt.date(2026, 7, 1))], False),
        "other purpose": (young, [dict(giver=G, purpose=ConsentPurpose.USE_PHOTOS)], False),
    }
    children = {}
    for name, (birth, consents, _expected) in cases.items():
        children[name] = child = ChildFactory(commune=personas.commune_a, birth_date=birth)
        for given in consents:
            consent(child, given.pop("giver"), **given)

    annotated = dict(Child.objects.annotate(ok=consent_in_force(SHARE, on=ON)).values_list("pk", "ok"))
    for name, (_birth, _consents, expected) in cases.items():
        child = children[name]
        assert child.consents_to(SHARE, ON) is expected, name
        assert annotated[child.pk] is expected, name

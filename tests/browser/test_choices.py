"""On a phone and on a laptop: choosing a commune narrows the villages to that commune's, and typing an ethnic group
without its diacritics picks it."""

import pytest
from playwright.sync_api import expect

from portal.models import AdministrativeUnit
from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(360, 740), (1366, 768)], ids=["phone", "laptop"])
def test_choosing_a_commune_narrows_the_villages_and_typing_finds_the_ethnic_group(page, demo, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, "staff")
    page.goto("/needs/group/new/")
    offered = page.locator('select[name="commune"] option:not([value=""])').evaluate_all("os => os.map(o => o.value)")
    communes = [c for c in AdministrativeUnit.objects.filter(pk__in=offered) if c.villages.filter(active=True)][:2]
    assert len(communes) == 2
    villages = page.locator('select[name="village"] option:not([value=""])')
    everywhere = villages.count()
    assert everywhere > communes[0].villages.filter(active=True).count()  # no commune chosen yet: all of them
    for commune in communes:
        page.locator('select[name="commune"]').select_option(value=str(commune.pk))
        mine = sorted(commune.villages.filter(active=True).values_list("name", flat=True))
        expect(villages).to_have_count(len(mine))
        assert sorted(villages.all_inner_texts()) == mine
        expect(page.locator('select[name="village"] optgroup')).to_have_count(1)
    page.get_by_label("Thôn/bản").select_option(label=mine[0])
    page.locator('select[name="commune"]').select_option(value=str(communes[0].pk))
    expect(page.get_by_label("Thôn/bản")).to_have_value("")  # the other commune's village is not kept

    log_out(page)
    log_in(page, "commune")
    page.goto("/children/register/")
    search = page.get_by_role("searchbox", name="Gõ để tìm nhanh")
    for typed, group in (("tay", "Tày"), ("nung", "Nùng"), ("mong", "Mông"), ("Mông", "Mông"), ("hmong", "Mông")):
        search.fill(typed)
        expect(page.locator('select[name="child-ethnic_group"] option:checked')).to_have_text(group)

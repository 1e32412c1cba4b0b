"""The offline app's page, service worker and manifest, seen from the outside (who may reach them is in the access
matrix); the journeys with the network switched off are in tests/browser/test_offline_journey.py."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_service_worker_at_the_root_for_the_whole_site(client, personas):
    client.force_login(personas.officer_a)
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", body).group(1))
    assert "/offline/" in files
    assert "/static/webapp/app.js" in files
    assert "/static/css/portal.css" in files
    assert re.search(r'const CACHE = "portal-shell-" \+ VERSION;', body)


def test_it_keeps_the_same_cache_version_until_a_shell_file_changes(client, personas):
    client.force_login(personas.officer_a)
    version = re.compile(r'const VERSION = "(\w+)";')
    first = version.search(client.get("/sw.js").content.decode()).group(1)
    assert version.search(client.get("/sw.js").content.decode()).group(1) == first
    english = version.search(client.get("/sw.js", headers={"accept-language": "en"}).content.decode()).group(1)
    assert english != first  # the shell holds the labels of one language: another language is another shell


def test_it_gives_the_officer_a_shell_without_any_childs_data(client, personas):
    from tests.factories import ChildFactory

    child = ChildFactory(commune=personas.commune_a, full_name="Lò Thị Mai")
    client.force_login(personas.officer_a)
    html = client.get("/offline/").content.decode()
    assert 'rel="manifest"' in html
    assert "webapp/app.js" in html
    assert child.full_name not in html
    assert child.code not in html
    labels = json.loads(re.search(r'<script id="strings" type="application/json">(.*?)</script>', html).group(1))
    assert labels["register_title"] == "Đăng ký trẻ"


def test_it_describes_the_installable_app_in_vietnamese(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"].startswith("Cổng hỗ trợ trẻ em")
    assert (data["start_url"], data["scope"], data["display"]) == ("/offline/", "/", "standalone")
    assert {icon["sizes"] for icon in data["icons"]} == {"any", "192x192", "512x512"}


def test_it_tells_the_browser_to_forget_the_devices_data_at_logout(client, personas):
    client.force_login(personas.officer_a)
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_it_offers_the_offline_app_in_the_officers_menu_only(client, personas):
    client.force_login(personas.officer_a)
    assert 'href="/offline/"' in client.get("/").content.decode()
    client.force_login(personas.staff)
    assert 'href="/offline/"' not in client.get("/").content.decode()

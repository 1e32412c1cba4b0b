"""How higher apps add to the core's pages without the core importing them.

An app's AppConfig may define:
- `nav_items(scope) -> list[(label, url)]`: menu entries for a user with this scope;
- `home_panels(request, scope) -> list[dict]`: panels for the home page, each a dict with a "template"
  key (rendered with the dict as `panel`) and whatever that template needs;
- `child_record_sections(child) -> list[dict]`: what the app holds about a child, for the guardian's copy of the
  record, each a dict with "title", "columns" (headings) and "rows" (lists of cells);
- `child_history(child) -> list[QuerySet]`: the change history (simple_history rows) of what the app holds about a
  child, for the timeline on the child's page (portal.audit.history_lines reads them);
- `child_anonymised(child_ids)`: clear what the app holds that could identify these children (needs.erasure).
Apps are asked in INSTALLED_APPS order, so the menu follows the flow of work: needs, donors, allocations, reports.
"""

from django.apps import apps


def _hooks(hook: str):
    for config in apps.get_app_configs():
        method = getattr(config, hook, None)
        if method is not None:
            yield method


def _collect(hook: str, *args) -> list:
    return [item for method in _hooks(hook) for item in method(*args)]


def nav_items(scope) -> list[tuple[str, str]]:
    return _collect("nav_items", scope)


def home_panels(request, scope) -> list[dict]:
    return _collect("home_panels", request, scope)


def child_record_sections(child) -> list[dict]:
    return _collect("child_record_sections", child)


def child_history(child) -> list:
    return _collect("child_history", child)


def child_anonymised(child_ids: list[int]) -> None:
    for method in _hooks("child_anonymised"):
        method(child_ids)

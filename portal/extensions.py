"""How higher apps add to the core's pages without the core importing them.

An app's AppConfig may define:
- `nav_items(scope) -> list[(label, url)]`: menu entries for a user with this scope;
- `home_panels(request, scope) -> list[dict]`: panels for the home page, each a dict with a "template"
  key (rendered with the dict as `panel`) and whatever that template needs;
- `public_panels(request) -> list[dict]`: panels for the public transparency page, as home_panels (no scope: the
  public sees only what is published);
- `child_record_sections(child) -> list[dict]`: what the app holds about a child, for the guardian's copy of the
  record, each a dict with "title", "columns" (headings) and "rows" (lists of cells);
- `child_history(child) -> list[QuerySet]`: the change history (simple_history rows) of what the app holds about a
  child, for the timeline on the child's page (portal.audit.history_lines reads them);
- `child_anonymised(child_ids)`: clear what the app holds that could identify these children (needs.erasure).
- `receipt_allocated(receipt, lock) -> (đồng, units)`: how much of a receipt the app has given out; with `lock`,
  the app's row stays locked until the transaction ends (donors.services corrects and cancels receipts with it);
- `receipt_changed(receipt)`: a receipt's amount or cancellation changed; keep what the app derived from it.
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


def public_panels(request) -> list[dict]:
    return _collect("public_panels", request)


def child_record_sections(child) -> list[dict]:
    return _collect("child_record_sections", child)


def child_history(child) -> list:
    return _collect("child_history", child)


def child_anonymised(child_ids: list[int]) -> None:
    for method in _hooks("child_anonymised"):
        method(child_ids)


def receipt_allocated(receipt, *, lock: bool = False) -> tuple[int, int]:
    amount = quantity = 0
    for method in _hooks("receipt_allocated"):
        more_amount, more_quantity = method(receipt, lock)
        amount, quantity = amount + more_amount, quantity + more_quantity
    return amount, quantity


def receipt_changed(receipt) -> None:
    for method in _hooks("receipt_changed"):
        method(receipt)

"""Every named URL the portal serves, found by walking the URL configuration (the API router included)."""

from django.urls import URLPattern, URLResolver, get_resolver


def named_urls() -> dict[str, list[str]]:
    """{qualified URL name: the names of its arguments}. A name routed twice (format suffixes) keeps the first."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace: str, params: list[str]):
        for entry in patterns:
            regex = entry.pattern.regex
            # Unnamed groups (simple_history's admin views) are positional: "_0", "_1"…
            own = list(regex.groupindex) or [f"_{i}" for i in range(regex.groups)]
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, params + own)
            elif isinstance(entry, URLPattern) and entry.name:
                found.setdefault(f"{namespace}{entry.name}", params + own)

    walk(get_resolver().url_patterns, "", [])
    return found

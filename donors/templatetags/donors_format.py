from django import template

register = template.Library()


@register.filter
def dong(amount) -> str:
    """1250000 → '1.250.000 đồng', as official letters write money."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đồng"

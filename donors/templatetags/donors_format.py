from django import template

from donors.transfer_codes import campaign_code

register = template.Library()


@register.filter
def dong(amount) -> str:
    """1250000 → '1.250.000 đồng', as official letters write money."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


@register.filter
def transfer_code(campaign) -> str:
    """A campaign's transfer code (TE19C00000012), what givers write in the transfer's description."""
    return str(campaign_code(campaign))

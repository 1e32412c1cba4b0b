"""Money is integer đồng everywhere; this is how it is written for people."""


def format_vnd(amount) -> str:
    if amount is None or amount == "":
        return ""
    amount = int(amount)
    digits = f"{abs(amount):,}".replace(",", ".")
    return f"{'-' if amount < 0 else ''}{digits}\u00a0đ"

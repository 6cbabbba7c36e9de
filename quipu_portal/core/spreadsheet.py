def spreadsheet_text(value: str) -> str:
    """A CSV text cell a spreadsheet shows as text: cells starting with = + - @ would run as formulas,
    so a leading quote keeps them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value

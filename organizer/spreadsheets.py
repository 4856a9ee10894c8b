"""Cells written to CSV/XLSX: neutralise what a spreadsheet would run as a formula."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Prefix a quote to text starting with = + - @ tab or CR (CSV injection); other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise(row):
    """neutralise_cell() over a row."""
    return [neutralise_cell(value) for value in row]

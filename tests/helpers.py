"""Small helpers shared by the tests."""


def walk(rows):
    """Every JSON row, blocks before their contents."""
    for row in rows:
        yield row
        yield from walk(row.get("children", []))
        for branch in row.get("branches", []):
            yield from walk(branch)


def leaves(rows):
    """The JSON rows of single layers, in forward order."""
    return (row for row in walk(rows) if not row.get("children") and not row.get("branches"))

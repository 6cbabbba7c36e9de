"""What the Quipu API itself defines, as plain data used on both sides of the wire: by the portal's
client and by the sandbox that plays Quipu (which imports nothing else of the portal, and no Django).
"""

# The amounts and percentages of a document line that a client writes (decimal strings on the wire).
ITEM_AMOUNT_FIELDS = (
    "unitary_amount",
    "quantity",
    "vat_percent",
    "retention_percent",
    "discount_percent",
    "deductible_vat_percent",
    "deductible_expense_percent",
)

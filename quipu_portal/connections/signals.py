"""What the connections app tells the apps above it, without importing them."""

from django.dispatch import Signal

# Sent with ``connection`` when a connection is added or chosen: its reference data is wanted soon
# (the jobs app fetches it in the background).
reference_data_wanted = Signal()

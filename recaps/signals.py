"""What recaps tells the apps above it, without importing them (webhooks listens; see the map)."""

from django.dispatch import Signal

# A recap was rendered and kept: sent with `recap` inside the transaction that kept its file.
recap_ready = Signal()

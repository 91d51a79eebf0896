"""What clips tells the apps above it, without importing them (webhooks listens; see the map)."""

from django.dispatch import Signal

# A clip has every rendition its run asked for, at its current version: sent with `clip` once per version
# that becomes ready, after its renditions are kept.
clip_ready = Signal()

"""What moderation tells the apps above it, without importing them (search listens; see the map)."""

from django.dispatch import Signal

# A video's case changed state (analysed, decided, reopened): sent with `video_id` inside the transaction
# that changed it, so a listener's writes commit or roll back with the case.
case_state_changed = Signal()

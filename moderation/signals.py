"""What moderation tells the apps above it, without importing them (search, clips and webhooks listen; see
the map)."""

from django.dispatch import Signal

# A video's case changed state (analysed, decided, reopened): sent with `video_id` inside the transaction
# that changed it, so a listener's writes commit or roll back with the case.
case_state_changed = Signal()

# A moderator decided a case (approved, approved with censoring, escalated, rejected, reopened): sent with
# `case` and `decision` (the Decision row: who, when, what) inside the transaction that recorded it.
case_decided = Signal()

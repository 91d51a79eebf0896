"""What the engine tells the apps above it, without importing them (webhooks listens; see the map)."""

from django.dispatch import Signal

# A job ended (succeeded or failed): sent with `job` inside the transaction that ended it, so a listener's
# writes commit or roll back with the job's end.
job_finished = Signal()

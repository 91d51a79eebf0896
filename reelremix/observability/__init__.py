"""Operations: what the running processes tell an operator. `context` (the request, tenant and job a line of
work belongs to), `logs` (JSON log lines carrying that context), `metrics` (Prometheus, summed over the
processes of a machine), `queues` (the broker's queues and workers, read from Redis), `requests` and
`messages` (the Django and Dramatiq middleware that bind the context and time the work), `views`
(/metrics, /healthz/live, /healthz/ready)."""

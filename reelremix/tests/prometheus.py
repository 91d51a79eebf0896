"""Reading the metrics tests look for, in Prometheus' text format (reelremix.observability.metrics)."""

from prometheus_client.parser import text_string_to_metric_families

from reelremix.observability.metrics import exposition


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def model_runs() -> dict[tuple[str, str], float]:
    """(histogram, model) -> stage runs observed so far, of the model-time histograms."""
    return {
        (family.name, found.labels["model"]): found.value
        for family in text_string_to_metric_families(exposition().decode())
        if family.name.startswith("reelremix_model_seconds_per_")
        for found in family.samples
        if found.name.endswith("_count")
    }


def model_runs_since(before: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """The model-time observations made since `before` (a `model_runs()`)."""
    runs = {key: count - before.get(key, 0) for key, count in model_runs().items()}
    return {key: count for key, count in runs.items() if count}

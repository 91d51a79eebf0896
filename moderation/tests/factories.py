from django_tenants.utils import schema_context

from media_jobs.models import Video
from tenants.models import Tenant


def make_video_row(tenant: Tenant, duration: float = 10.0, title: str = "clip") -> Video:
    """A Video row without media, for tests of what findings mean."""
    with schema_context(tenant.schema_name):
        return Video.objects.create(title=title, original="none.mp4", size_bytes=1, duration=duration)


def face_samples(seconds: range, score: float = 0.9) -> list[dict]:
    """Detections of one face moving right by 5 % of the frame per second."""
    return [
        {
            "t": float(t),
            "boxes": [
                {"label": "FACE", "score": score, "x1": 0.05 * t, "y1": 0.3, "x2": 0.05 * t + 0.2, "y2": 0.6}
            ],
        }
        for t in seconds
    ]


def words(*spoken: tuple[str, float, float, float]) -> list[dict]:
    return [{"text": text, "start": start, "end": end, "probability": p} for text, start, end, p in spoken]

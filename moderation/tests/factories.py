from django_tenants.utils import schema_context

from media_jobs import artifacts
from media_jobs.models import Job, Video
from moderation import services
from moderation.models import Action, Case, Flag
from moderation.stages import MODERATION, TRANSCRIPT
from tenants.models import Tenant


def make_video_row(tenant: Tenant, duration: float = 10.0, title: str = "clip") -> Video:
    """A Video row without media, for tests of what findings mean."""
    with schema_context(tenant.schema_name):
        return Video.objects.create(title=title, original="none.mp4", size_bytes=1, duration=duration)


def analyze(
    video: Video, detections: list[dict], transcript: dict | None = None, sources: dict | None = None,
    screen: services.ScreenText | None = None,
) -> Case:  # fmt: skip
    """The analysis as a moderation job runs it, in the current schema: analyze, then conclude the case."""
    heard = transcript or {"words": [], "alternatives": []}
    services.do_analyze_video(video, detections, heard, 1.0, sources or {})
    return services.do_conclude_case(video, screen)


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


SPOKEN = words(("Welcome", 0.2, 0.6, 0.9), ("back.", 0.6, 1.0, 0.9), ("The", 2.5, 2.7, 0.9),
               ("launch", 2.7, 3.1, 0.9), ("is", 3.1, 3.2, 0.9), ("today.", 3.2, 3.8, 0.9))  # fmt: skip


def make_watched_video(tenant: Tenant, video: Video) -> Case:
    """What a video's page shows after moderation: a transcript (two sentences) and a case with a face
    flag from 1 to 2 s and a profanity flag at 3.1 s."""
    with schema_context(tenant.schema_name):
        job = Job.objects.create(kind=MODERATION, video=video, state=Job.State.SUCCEEDED)
        artifacts.save_json(job, TRANSCRIPT, {"words": SPOKEN, "alternatives": []})
        case = Case.objects.create(video=video, state=Case.State.AUTO_CENSORED)
        for kind, label, start, end in (("face", "FACE", 1.0, 2.0), ("profanity", "damn", 3.1, 3.3)):
            Flag.objects.create(case=case, kind=kind, label=label, start=start, end=end, score=0.9,
                                action=Action.CENSOR, source="test")  # fmt: skip
        return case

"""One video through the whole pipeline on real models and a real worker: flags, case, censored output,
and the quality figures the product promises (face coverage, profanity recall)."""

from __future__ import annotations

import json
from pathlib import Path

import av
import cv2
import dramatiq
import numpy as np
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from gpu_worker.types import FACE
from media_jobs import artifacts, pipeline, registry, services
from media_jobs.dispatch import stage_actor_name
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.models import Artifact, Job, Stage
from media_jobs.stages import EXTRACT
from moderation import decisions
from moderation.models import Action, Case, Kind, Policy, Review
from moderation.stages import (
    ANALYZE,
    BLURRED_PICTURE,
    CONCLUDE,
    DETECT,
    DETECTIONS,
    FINALIZE,
    MODERATION,
    PICTURE,
    READ_TEXT,
    RENDER,
    TRANSCRIBE,
)
from reelremix.demo_video import DEMO_SECONDS, DEMO_SPEECH, FACE_CROP, FacePath, make_face_video
from reelremix.tests.prometheus import model_runs, model_runs_since
from search.stages import INDEX


@pytest.fixture(scope="module")
def face_clip(tmp_path_factory) -> tuple[Path, FacePath]:
    path = tmp_path_factory.mktemp("pipeline") / "face.mp4"
    face = make_face_video(path, DEMO_SPEECH, DEMO_SECONDS, size=(640, 360), fps=25, gop=50)
    return path, face


def _sharpness(gray: np.ndarray) -> float:
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def _frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as container:
        return [(f.time, f.to_ndarray(format="gray")) for f in container.decode(video=0)]


def face_coverage(original: Path, censored: Path, face: FacePath) -> float:
    """Frames in which the face region is blurred / frames in which the face is on screen."""
    blurred = total = 0
    for (t, before), (_, after) in zip(_frames(original), _frames(censored), strict=True):
        x1, y1, x2, y2 = face.box(t)
        inner = (slice(y1 + 4, y2 - 4), slice(x1 + 4, x2 - 4))
        total += 1
        blurred += _sharpness(after[inner]) < 0.2 * _sharpness(before[inner])
    return blurred / total


def profanity_recall(flags: list, truth: list[dict]) -> tuple[float, float]:
    """(bleeped automatically, caught including the review queue) over the spoken profane words."""

    def caught(word: dict, actions: set[str]) -> bool:
        return any(
            f.start <= word["start"] + 0.05 and f.end >= word["end"] - 0.05
            for f in flags
            if f.action in actions
        )

    auto = sum(caught(word, {Action.CENSOR}) for word in truth) / len(truth)
    with_review = sum(caught(word, {Action.CENSOR, Action.REVIEW}) for word in truth) / len(truth)
    return auto, with_review


def test_it_moderates_a_video_end_to_end(work_queued_jobs, committed_db, face_clip):
    path, face = face_clip
    runs_before = model_runs()
    with schema_context(committed_db.acme.schema_name):
        job = services.do_submit_video(committed_db.alice.user, path, "face.mp4")
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        job = Job.objects.get(id=job.pk)
        assert job.state == Job.State.SUCCEEDED, job.error
        assert set(job.stages.values_list("state", flat=True)) == {Stage.State.SUCCEEDED}
        case = Case.objects.get(video=job.video)
        flags = list(case.flags.all())
        output = Artifact.objects.get(job=job, kind=Artifact.Kind.CENSORED)
        censored = Path(output.file.path)
        samples = artifacts.load_json(job, DETECTIONS)
        face_boxes = [box for sample in samples for box in sample["boxes"] if box["label"] == FACE]
        render = job.stages.get(name=RENDER).metrics
        picture_kept = Artifact.objects.filter(job=job, kind=BLURRED_PICTURE).exists()
    # The picture was blurred beside transcription; the render censored the sound over it, then deleted it.
    assert render["picture_ahead"] and render["reencoded_seconds"] > 0 and not picture_kept
    # The detect stage measured what each face box holds: the astronaut's face is skin-toned.
    assert face_boxes and min(box["skin"] for box in face_boxes) >= 0.5
    faces = [f for f in flags if f.kind == Kind.FACE]
    assert len(faces) == 1 and faces[0].action == Action.CENSOR
    assert faces[0].start == 0.0 and faces[0].end >= DEMO_SECONDS - 0.1
    coverage = face_coverage(path, censored, face)
    truth = json.loads(DEMO_SPEECH.with_suffix(".json").read_text())["profanity"]
    auto, with_review = profanity_recall([f for f in flags if f.kind == Kind.PROFANITY], truth)
    print(
        f"face coverage {coverage:.3f}; profanity recall: bleeped {auto:.2f}, "
        f"caught including the review queue {with_review:.2f}"
    )
    assert coverage >= 0.95
    assert with_review >= 0.95
    assert job.result["case"] == case.state
    # The detect, read_text and transcribe stages timed their models, once each (per frame, per audio minute).
    assert model_runs_since(runs_before) == {
        ("reelremix_model_seconds_per_frame", "nudenet+centerface"): 1,
        ("reelremix_model_seconds_per_frame", "pp-ocrv4"): 1,
        ("reelremix_model_seconds_per_audio_minute", "faster-whisper tiny.en"): 1,
    }


def test_each_tenant_hears_its_videos_with_the_speech_model_its_policy_chose(
    work_queued_jobs, committed_db, tmp_path
):
    path = tmp_path / "speech.mp4"
    make_face_video(path, DEMO_SPEECH, 4.0, size=(320, 180), fps=25, gop=25)
    with schema_context(committed_db.globex.schema_name):
        Policy.objects.update_or_create(defaults={"speech_model": Policy.SpeechModel.ACCURATE})
        accurate = services.do_submit_video(committed_db.charlie.user, path, "speech.mp4")
    with schema_context(committed_db.acme.schema_name):  # the deployment's default: the suite's tiny.en
        default = services.do_submit_video(committed_db.alice.user, path, "speech.mp4")
    work_queued_jobs()
    heard = {}
    for tenant, job in ((committed_db.globex, accurate), (committed_db.acme, default)):
        with schema_context(tenant.schema_name):
            transcribe = Stage.objects.get(job_id=job.pk, name=TRANSCRIBE)
            heard[tenant.slug] = (
                transcribe.state,
                transcribe.metrics["source"],
                transcribe.metrics["language"],
            )
    assert heard == {
        committed_db.globex.slug: (Stage.State.SUCCEEDED, "faster-whisper base", "en"),
        committed_db.acme.slug: (Stage.State.SUCCEEDED, "faster-whisper tiny.en", "en"),
    }


def test_it_moderates_a_silent_video_without_transcribing(work_queued_jobs, committed_db, tmp_path):
    path = tmp_path / "silent.mp4"
    make_face_video(path, None, 4.0, size=(320, 180), fps=25, gop=25)
    strip_audio = path.with_name("video-only.mp4")
    run_ffmpeg(["-i", str(path), "-an", "-c:v", "copy", str(strip_audio)], what="dropping the audio")
    with schema_context(committed_db.globex.schema_name):
        job = services.do_submit_video(committed_db.charlie.user, strip_audio, "video-only.mp4")
    work_queued_jobs()
    with schema_context(committed_db.globex.schema_name):
        job = Job.objects.get(id=job.pk)
        stages = dict(job.stages.values_list("name", "state"))
        kinds = set(Case.objects.get(video=job.video).flags.values_list("kind", flat=True))
    assert job.state == Job.State.SUCCEEDED, job.error
    assert stages[TRANSCRIBE] == Stage.State.SKIPPED
    assert kinds == {Kind.FACE}


def _face_job(world, tmp_path) -> Job:
    path = tmp_path / "face.mp4"
    make_face_video(path, None, 3.0, size=(320, 180), fps=25, gop=25)
    return services.do_submit_video(world.alice.user, path, "face.mp4")


def _run_by_hand(job: Job, *names: str) -> dict[str, str]:
    """Run the stages one by one in this thread (the messages they send are dropped at the test's end)."""
    for name in names:
        pipeline.run_stage(job.pk, name)
    return dict(job.stages.values_list("name", "state"))


def test_the_render_does_not_wait_for_the_text_on_screen_and_the_case_waits_for_it(committed_db, tmp_path):
    # An order a busy worker could take: read_text last.
    with schema_context(committed_db.acme.schema_name):
        job = _face_job(committed_db, tmp_path)
        stages = _run_by_hand(job, EXTRACT, DETECT)
        assert (stages[PICTURE], stages[RENDER]) == (Stage.State.QUEUED, Stage.State.PENDING)  # beside speech
        stages = _run_by_hand(job, TRANSCRIBE, ANALYZE, PICTURE)
        assert (stages[READ_TEXT], stages[RENDER]) == (Stage.State.QUEUED, Stage.State.QUEUED)
        assert (stages[CONCLUDE], stages[INDEX], stages[FINALIZE]) == (Stage.State.PENDING,) * 3
        case = Case.objects.get(video=job.video)
        assert case.flags.get().action == Action.CENSOR and case.state == Case.State.CLEAN  # not settled yet
        assert _run_by_hand(job, RENDER)[FINALIZE] == Stage.State.PENDING  # the case is not concluded
        assert Artifact.objects.filter(job=job, kind=Artifact.Kind.CENSORED).exists()
        _run_by_hand(job, READ_TEXT, CONCLUDE, INDEX, FINALIZE)
        job.refresh_from_db()
        case.refresh_from_db()
    dramatiq.get_broker().flush_all()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert case.state == Case.State.AUTO_CENSORED and job.result["case"] == case.state


def test_a_picture_blurred_ahead_under_a_policy_changed_since_is_not_used(committed_db, tmp_path):
    path = tmp_path / "speech.mp4"
    face = make_face_video(path, DEMO_SPEECH, 9.0, size=(320, 180), fps=25, gop=25)  # shit, fuck
    with schema_context(committed_db.acme.schema_name):
        job = services.do_submit_video(committed_db.alice.user, path, "speech.mp4")
        _run_by_hand(job, EXTRACT, DETECT, PICTURE)
        assert Artifact.objects.filter(job=job, kind=BLURRED_PICTURE).exists()  # the face blurred
        Policy.objects.update_or_create(defaults={"face_censor_above": 0.99, "profanity_censor_above": 0.0})
        _run_by_hand(job, TRANSCRIBE, ANALYZE, RENDER)
        render = job.stages.get(name=RENDER).metrics
        censored = Path(Artifact.objects.get(job=job, kind=Artifact.Kind.CENSORED).file.path)
        picture_kept = Artifact.objects.filter(job=job, kind=BLURRED_PICTURE).exists()
        flags = set(Case.objects.get(video=job.video).flags.values_list("kind", "action"))
    dramatiq.get_broker().flush_all()
    # The face now goes to a moderator unblurred; the words are still bleeped, in one pass over the original.
    assert {(Kind.FACE, Action.REVIEW), (Kind.PROFANITY, Action.CENSOR)} <= flags
    assert not render["picture_ahead"] and render["audio_reencoded"] and not picture_kept
    assert face_coverage(path, censored, face) == 0.0


def test_a_picture_is_not_rendered_once_the_render_is_done(committed_db, tmp_path):
    with schema_context(committed_db.acme.schema_name):
        job = _face_job(committed_db, tmp_path)
        _run_by_hand(job, EXTRACT, DETECT, TRANSCRIBE, ANALYZE)
        # As a job whose render was queued by a release without the picture stage
        job.stages.filter(name=RENDER).update(state=Stage.State.QUEUED)
        stages = _run_by_hand(job, RENDER, PICTURE)
        picture = job.stages.get(name=PICTURE).metrics
        kept = Artifact.objects.filter(job=job, kind=BLURRED_PICTURE).exists()
    dramatiq.get_broker().flush_all()
    assert (stages[RENDER], stages[PICTURE]) == (Stage.State.SUCCEEDED, Stage.State.SKIPPED)
    assert picture["reason"] == "the render is done" and not kept


def test_a_job_created_before_its_kind_gained_a_stage_runs_that_stage_too(committed_db, tmp_path):
    with schema_context(committed_db.acme.schema_name):
        job = _face_job(committed_db, tmp_path)
        job.stages.filter(name=CONCLUDE).delete()  # as a release without the conclude stage created it
        stages = _run_by_hand(job, EXTRACT, DETECT, TRANSCRIBE, READ_TEXT, ANALYZE)
        assert stages[CONCLUDE] == Stage.State.QUEUED
        _run_by_hand(job, PICTURE, RENDER, CONCLUDE, INDEX, FINALIZE)
        job.refresh_from_db()
        state = Case.objects.get(video=job.video).state
    dramatiq.get_broker().flush_all()
    assert job.state == Job.State.SUCCEEDED, job.error
    assert state == Case.State.AUTO_CENSORED and job.result["case"] == state


def test_a_slide_is_detected_once_and_its_face_still_blurred_on_every_sample(
    work_queued_jobs, committed_db, tmp_path
):
    from skimage import data

    face_png, path = tmp_path / "face.png", tmp_path / "slides.mp4"
    cv2.imwrite(str(face_png), cv2.cvtColor(data.astronaut()[FACE_CROP], cv2.COLOR_RGB2BGR))
    slides = (  # colour bars for 6 s, then the astronaut's face, still, for 6 s
        "[1:v]scale=-2:150,pad=320:180:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25[face];"
        "[0:v]setsar=1[bars];[bars][face]concat=n=2:v=1:a=0,format=yuv420p[v]"
    )
    run_ffmpeg(
        ["-f", "lavfi", "-i", "smptebars=s=320x180:r=25:d=6", "-loop", "1", "-t", "6", "-i", str(face_png),
         "-filter_complex", slides, "-map", "[v]", "-c:v", "libx264", "-g", "50", str(path)],
        what="making slides",
    )  # fmt: skip
    with schema_context(committed_db.acme.schema_name):
        job = services.do_submit_video(committed_db.alice.user, path, "slides.mp4")
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        job = Job.objects.get(id=job.pk)
        detect = job.stages.get(name=DETECT).metrics
        samples = artifacts.load_json(job, DETECTIONS)
        faces = list(Case.objects.get(video=job.video).flags.filter(kind=Kind.FACE))
    assert job.state == Job.State.SUCCEEDED, job.error
    # Twelve samples, two pictures: the models ran on a few frames, not on all twelve.
    assert detect["frames"] == len(samples) >= 11 and detect["detected"] <= 4
    on_face_slide = [sample for sample in samples if sample["t"] >= 6.5]
    assert on_face_slide and all(any(b["label"] == FACE for b in s["boxes"]) for s in on_face_slide)
    assert len(faces) == 1 and faces[0].action == Action.CENSOR
    assert 5.0 <= faces[0].start <= 6.5 and faces[0].end >= 11.5


def test_it_ignores_redelivered_messages_for_finished_stages(work_queued_jobs, committed_db, tmp_path):
    path = tmp_path / "short.mp4"
    make_face_video(path, None, 3.0, size=(320, 180), fps=25, gop=25)
    schema = committed_db.acme.schema_name
    with schema_context(schema):
        job = services.do_submit_video(committed_db.alice.user, path, "short.mp4")
    work_queued_jobs()

    def snapshot() -> tuple:
        with schema_context(schema):
            done = Job.objects.get(id=job.pk)
            flags = sorted(Case.objects.get(video=done.video).flags.values_list("id", "start", "end"))
            artifacts = sorted(Artifact.objects.filter(job=done).values_list("id", "file"))
            stages = sorted(done.stages.values_list("name", "state", "attempts", "finished_at"))
            return done.state, done.finished_at, flags, artifacts, stages

    before = snapshot()
    for stage in registry.stages_of(MODERATION):  # as if the broker delivered every message a second time
        dramatiq.get_broker().get_actor(stage_actor_name(registry.stage(stage).queue)).send(
            schema, job.pk, stage
        )
    work_queued_jobs()
    assert snapshot() == before


def test_it_renders_again_when_a_moderator_approves_with_censoring(work_queued_jobs, committed_db, tmp_path):
    world, schema = committed_db, committed_db.acme.schema_name
    path = tmp_path / "review.mp4"
    make_face_video(path, DEMO_SPEECH, 8.0, size=(320, 180), fps=25, gop=25, face_between=(2.0, 4.0))
    with schema_context(schema):
        Policy.objects.create(face_censor_above=1.01)  # faces wait for a moderator instead
        job = services.do_submit_video(world.alice.user, path, "review.mp4")
    work_queued_jobs()
    with schema_context(schema):
        case = Case.objects.get(video=job.video)
        first = Artifact.objects.get(job=job, kind=Artifact.Kind.CENSORED)  # the words, bleeped
        assert case.state == Case.State.QUEUED and first.metadata["reencoded_seconds"] == 0
        world.alice.user.is_superuser = True  # holds 'moderate'
        face = case.flags.get(kind=Kind.FACE)
        decisions.do_review_flag(face.pk, world.alice.user, Review.CONFIRMED)
        decisions.do_decide_case(case.pk, world.alice.user, decisions.Act.APPROVE_CENSORED)
    work_queued_jobs()
    with schema_context(schema):
        render = Job.objects.get(video=job.video, kind=RENDER)
        again = Artifact.objects.get(job=render, kind=Artifact.Kind.CENSORED)
        assert render.state == Job.State.SUCCEEDED, render.error
        assert sorted(render.stages.values_list("name", flat=True)) == [
            FINALIZE,
            RENDER,
        ]
    assert 0 < again.metadata["reencoded_seconds"] < 8.0  # the face's GOPs re-encoded, blurred


def test_it_shows_each_flags_evidence_on_the_case_page(work_queued_jobs, committed_db, tmp_path):
    world, schema = committed_db, committed_db.acme.schema_name
    path = tmp_path / "evidence.mp4"
    make_face_video(path, DEMO_SPEECH, 13.0, size=(320, 180), fps=25, gop=25)
    with schema_context(schema):
        job = services.do_submit_video(world.alice.user, path, "evidence.mp4")
    work_queued_jobs()
    with schema_context(schema):
        case = Case.objects.get(video=job.video)
        face = case.flags.get(kind=Kind.FACE)
        admin = type(world.alice.user).objects.create_superuser("root", "root@acme.example", "x")
        client = Client(HTTP_HOST="acme.localhost")
        client.force_login(admin)
    page = client.get(f"/admin/moderation/case/{case.pk}/change/").content.decode()
    assert f'src="flags/{face.pk}/frame.jpg"' in page and "border:2px solid" in page
    assert "<mark>damn</mark>" in page  # the words heard around the hit, the hit marked
    frame = client.get(f"/admin/moderation/case/{case.pk}/change/flags/{face.pk}/frame.jpg")
    assert frame["Content-Type"] == "image/jpeg" and frame.content[:3] == b"\xff\xd8\xff"
    charlie = Client(HTTP_HOST="acme.localhost")
    with schema_context(world.globex.schema_name):
        charlie.force_login(world.charlie.user)
    assert (
        charlie.get(f"/admin/moderation/case/{case.pk}/change/flags/{face.pk}/frame.jpg").status_code == 302
    )

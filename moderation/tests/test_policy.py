"""Policy editing in the admin goes through the service and leaves an append-only audit row."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from moderation import services
from moderation.models import Policy, PolicyChange
from moderation.tests.test_admin_queue import _staff


def _policy_editor(persona):
    client = _staff(persona, moderator=True)
    with schema_context(persona.tenant.schema_name):
        persona.user.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_policy", "view_policy"])
        )
        persona.user = type(persona.user).objects.get(pk=persona.user.pk)
    return client


def test_it_records_who_changed_which_thresholds(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        services.do_update_policy(
            world.alice.user, {"face_censor_above": 0.8, "audio_mode": "mute"}, "fewer blurs"
        )
        change = PolicyChange.objects.get()
        policy = Policy.objects.get()
    assert (policy.face_censor_above, policy.audio_mode) == (0.8, "mute")
    assert change.before == {"face_censor_above": 0.5, "audio_mode": "bleep"}
    assert change.after == {"face_censor_above": 0.8, "audio_mode": "mute"}
    assert (change.actor_id, change.reason) == (world.alice.user.pk, "fewer blurs")


def test_it_edits_the_policy_in_the_admin(world):
    client = _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        policy = services.current_policy()
        form = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    form.update(extra_profanity="heck\ndarn", nudity_review_above=0.2)
    response = client.post(f"/admin/moderation/policy/{policy.pk}/change/", form)
    assert response.status_code == 302
    with schema_context(world.acme.schema_name):
        assert PolicyChange.objects.get().after == {
            "nudity_review_above": 0.2,
            "extra_profanity": "heck\ndarn",
        }
        assert Policy.objects.get().extra_terms == ["heck", "darn"]


def test_it_chooses_the_speech_model_and_refuses_an_unknown_one(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        assert services.current_policy().speech_model == Policy.SpeechModel.DEPLOYMENT
        services.do_update_policy(world.alice.user, {"speech_model": "fast"}, "quicker transcripts")
        with pytest.raises(ValidationError, match="'huge' is not one of"):
            services.do_update_policy(world.alice.user, {"speech_model": "huge"})
        assert services.current_policy().speech_model == Policy.SpeechModel.FAST
        assert list(PolicyChange.objects.values_list("after", flat=True)) == [{"speech_model": "fast"}]


def test_speech_is_heard_as_english_unless_the_policy_leaves_the_language_to_detect(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        assert services.current_policy().language_asked == "en"
        with pytest.raises(ValidationError, match="'de' is not one of 'en', 'auto'"):
            services.do_update_policy(world.alice.user, {"speech_language": "de"})
        services.do_update_policy(world.alice.user, {"speech_language": "auto"}, "Spanish videos")
        assert services.current_policy().language_asked is None
        assert list(PolicyChange.objects.values_list("after", flat=True)) == [{"speech_language": "auto"}]


def test_it_refuses_inconsistent_thresholds_and_changes_nothing(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        with pytest.raises(ValidationError, match="review threshold"):
            services.do_update_policy(world.alice.user, {"face_review_above": 0.9, "face_censor_above": 0.5})
        assert not PolicyChange.objects.exists()
        assert services.current_policy().face_censor_above == 0.5


def test_it_checks_permissions_for_policy_changes(world):
    with schema_context(world.acme.schema_name), pytest.raises(PermissionDenied):
        services.do_update_policy(world.bob.user, {"face_censor_above": 0.9})


def test_it_keeps_policy_changes_append_only(world):
    _policy_editor(world.alice)
    with schema_context(world.acme.schema_name):
        services.do_update_policy(world.alice.user, {"face_censor_above": 0.7})
        with pytest.raises(PermissionError):
            PolicyChange.objects.all().update(reason="x")
        with pytest.raises(DatabaseError, match="never edited or deleted"), transaction.atomic():
            connection.cursor().execute("DELETE FROM moderation_policychange")
        assert PolicyChange.objects.count() == 1

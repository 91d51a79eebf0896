from team.apps import check_policy_applied


def test_it_passes_with_the_policy_plugged_in():
    assert check_policy_applied() == []


def test_it_reports_a_missing_middleware_or_permission_class(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("team.")]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_PERMISSION_CLASSES": []}
    assert [error.id for error in check_policy_applied()] == ["team.E001", "team.E002"]

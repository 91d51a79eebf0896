from billing.apps import check_stripe


def test_it_warns_that_paid_plans_are_unavailable_without_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert [message.id for message in check_stripe()] == ["billing.W001"]
    assert "only the Free plan" in check_stripe()[0].msg


def test_it_warns_when_payments_could_never_be_confirmed(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", ""
    assert [message.id for message in check_stripe()] == ["billing.W002"]


def test_it_is_quiet_when_stripe_is_configured(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", "whsec_x"
    assert check_stripe() == []

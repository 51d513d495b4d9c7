"""API 令牌 in the console: a person's own tokens, issued (shown once) and revoked; a viewer may hold one."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcelback.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def client_for(client, actor):
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def user_of(actor):
    return get_user_model().objects.get(pk=actor.user_id)


@pytest.mark.parametrize("who", ["merchant1", "viewer1", "provider1", "admin"])
def test_everyone_with_a_role_issues_a_token_shown_once(client, world, who):
    actor = getattr(world, who)
    client_for(client, actor)
    response = client.post("/tokens/", {"name": "WMS 同步"})
    assert response.status_code == 302 and response["Location"] == "/tokens/created/"
    token = ApiToken.objects.get()
    assert (token.user_id, token.name, token.revoked_at) == (actor.user_id, "WMS 同步", None)
    shown = client.get("/tokens/created/").content.decode()
    secret = shown.split('id="secret" class="mono" value="')[1].split('"')[0]
    assert secret.startswith("pb_") and secret[:10] == token.prefix and ApiToken.hash(secret) == token.key_hash
    assert "只显示这一次" in shown
    # Never again.
    assert client.get("/tokens/created/")["Location"] == "/tokens/"
    assert secret not in client.get("/tokens/").content.decode()


def test_the_new_token_works_on_the_api_with_the_users_role(client, world):
    client_for(client, world.viewer1).post("/tokens/", {"name": ""})
    html = client.get("/tokens/created/").content.decode()
    secret = html.split('id="secret" class="mono" value="')[1].split('"')[0]
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/reverse-orders", headers=auth).status_code == 200
    refused = client.post("/api/v1/webhook-endpoints", {"url": "https://x.example.com/"}, content_type="application/json", headers=auth)
    assert refused.status_code == 403


def test_lists_only_ones_own_tokens(client, world):
    mine, _ = ApiToken.issue(user=user_of(world.merchant1), name="ERP")
    theirs, _ = ApiToken.issue(user=user_of(world.viewer1), name="财务报表")  # same shop, another person
    html = client_for(client, world.merchant1).get("/tokens/").content.decode()
    assert mine.prefix in html and "ERP" in html and "从未使用" in html and "有效" in html
    assert theirs.prefix not in html and "财务报表" not in html


def test_revoke_asks_first_then_stops_the_token(client, world):
    token, secret = ApiToken.issue(user=user_of(world.merchant1), name="ERP")
    client_for(client, world.merchant1)
    confirm = client.get(f"/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and "确认撤销" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(f"/tokens/{token.pk}/revoke/", follow=True)
    assert response.redirect_chain == [("/tokens/", 302)]
    html = response.content.decode()
    assert f"已撤销 API 令牌 {token.prefix}…" in html and f'href="/tokens/{token.pk}/revoke/"' not in html
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/reverse-orders", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_someone_elses_token_is_not_found_and_stays_valid(client, world):
    theirs, _ = ApiToken.issue(user=user_of(world.merchant2))
    client_for(client, world.merchant1)
    assert client.get(f"/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_name_too_long_is_refused_and_nothing_issued(client, world):
    response = client_for(client, world.merchant1).post("/tokens/", {"name": "x" * 81})
    assert response.status_code == 400 and ApiToken.objects.count() == 0


def test_a_user_without_a_role_cannot_issue_a_token(client, world):
    nobody = get_user_model().objects.create_user("nobody", password="demo12345")
    client.force_login(nobody)
    html = client.get("/tokens/").content.decode()
    assert 'action="/tokens/"' not in html
    assert client.post("/tokens/", {"name": "x"}).status_code == 403
    assert ApiToken.objects.count() == 0


def test_token_list_costs_a_fixed_number_of_queries(client, world):
    for n in range(5):
        ApiToken.issue(user=user_of(world.merchant1), name=f"t{n}")
    client_for(client, world.merchant1)
    with CaptureQueriesContext(connection) as captured:
        client.get("/tokens/")
    assert len(captured) == 5  # + the bell's unread COUNT


def test_a_new_token_waits_in_the_session_only_sealed(client, world):
    from django.contrib.sessions.models import Session

    signed_in = client_for(client, world.merchant1)
    signed_in.post("/tokens/", {"name": "WMS"})
    stored = "".join(str(s.get_decoded()) for s in Session.objects.all())
    secret = signed_in.get("/tokens/created/").context["secret"]
    assert secret.startswith("pb_") and secret not in stored

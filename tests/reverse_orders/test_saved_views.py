"""Saved views of the order list: the query kept (normalised through the filterset), who may save, share, rename
and delete, tenancy, and the list's extra tabs with their counts."""
import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from parcelback.accounts.models import Role
from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import selectors, services
from parcelback.reverse_orders.models import (
    MAX_SHARED_VIEWS,
    MAX_VIEWS_PER_PERSON,
    SAVED_VIEW_NAME_LENGTH,
    ReverseType,
    SavedView,
    Status,
)

from ..factories import ReverseOrderFactory, person
from ..helpers import client_for
from .test_fuzz import FUZZ, ODD, text

pytestmark = pytest.mark.django_db
RETURNS = "tab=customs_return&status=awaiting_instruction"


def refused(code, call, **expected):
    """`call` is refused with `code` (and `expected` attributes) and no view is written or changed."""
    before = list(SavedView.objects.order_by("pk").values_list("pk", "name", "query", "shared"))
    with pytest.raises(Refused) as caught:
        call()
    assert caught.value.code == code, caught.value
    for name, value in expected.items():
        assert getattr(caught.value, name) == value
    assert list(SavedView.objects.order_by("pk").values_list("pk", "name", "query", "shared")) == before


def save(actor, name="退运待指令", query=RETURNS, shared=False):
    return services.save_view(actor=actor, name=name, query=query, shared=shared)


# --- the query kept -------------------------------------------------------------------------------------------


def test_query_keeps_the_filters_sort_and_page_size_and_drops_page_selection_junk_and_defaults():
    query = QueryDict(
        "page=3&numbers=&foo=bar&selection=RV1&ordering=-created&per_page=100&number_type=number&time_field=created"
        "&status=awaiting_instruction&tab=customs_return&reverse_type=intercept_reject&goods=%20眼罩%20"
    )
    assert services.list_query(query) == "tab=customs_return&status=awaiting_instruction&goods=%E7%9C%BC%E7%BD%A9&per_page=100"


def test_query_of_the_plain_list_is_empty_and_the_type_filter_stays_on_the_all_tab():
    assert services.list_query("tab=all&ordering=-created&per_page=50") == ""
    assert services.list_query("tab=all&reverse_type=customs_failure&ordering=deadline") == "reverse_type=customs_failure&ordering=deadline"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("status=bogus", "status"),
        ("tab=nope", "tab"),
        ("ordering=price", "ordering"),
        ("time_from=2026-02-30", "time_from"),
        ("time_to=1850-01-01", "time_to"),
        ("per_page=7", "per_page"),
        ("aging=soon", "aging"),
    ],
)
def test_a_value_the_list_would_not_accept_is_refused(world, query, key):
    refused(Code.INVALID, lambda: save(world.merchant1, query=query), field="query", errors={f"query.{key}": "invalid_choice"})


@FUZZ
@given(names=st.lists(text, max_size=3), values=st.lists(text, min_size=3, max_size=3), name=text)
def test_any_name_and_query_is_saved_or_refused_with_a_code_never_an_error(client, world, names, values, name):
    keys = [*names, "status", "time_from", "per_page", "owner", "numbers"]
    query = "&".join(f"{k}={v}" for k, v in zip(keys, [*values, *ODD[:2], *values]))
    response = client_for(client, world.merchant1).post("/orders/views/", {"name": name, "query": query})
    assert response.status_code in (302, 400)
    SavedView.objects.all().delete()


def test_a_saved_query_lists_what_the_list_lists(world):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1)
    view = save(world.merchant1)
    [tab] = selectors.saved_view_tabs(actor=world.merchant1)
    listed = selectors.list_page(actor=world.merchant1, params=QueryDict(view.query))
    assert (tab.view, tab.count) == (view, 1) == (view, listed.page.paginator.count)


# --- who may save and share -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shared", "code"),
    [
        ("merchant1", False, None),
        ("merchant1", True, None),
        ("viewer1", False, None),
        ("viewer1", True, Code.NOT_PERMITTED),
        ("provider1", False, None),
        ("provider1", True, None),
        ("admin", False, Code.NOT_PERMITTED),
        ("admin", True, Code.NOT_PERMITTED),
    ],
)
def test_who_may_save_and_share(world, who, shared, code):
    actor = getattr(world, who)
    if code:
        refused(code, lambda: save(actor, shared=shared))
        return
    view = save(actor, shared=shared)
    assert (view.organisation, view.owner_id, view.shared, view.query) == (actor.organisation, actor.user_id, shared, RETURNS)


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "required"), ("  \u200b ", "required"), ("名" * (SAVED_VIEW_NAME_LENGTH + 1), "too_long")],
)
def test_a_bad_name_is_refused(world, name, problem):
    refused(Code.INVALID, lambda: save(world.merchant1, name=name), field="name", errors={"name": problem})


def test_a_name_is_trimmed_and_loses_control_characters(world):
    assert save(world.merchant1, name="  退运\x00待办\n ").name == "退运待办"


def test_names_are_unique_per_owner_and_among_the_tabs_one_sees(world):
    colleague = person(world.shop1, Role.MERCHANT_OPERATOR, "colleague")
    save(world.merchant1, name="每日")
    refused(Code.INVALID, lambda: save(world.merchant1, name="每日", query="tab=customs_destroy"), errors={"name": "name_taken"})
    assert save(colleague, name="每日").owner_id == colleague.user_id  # a personal view: only its owner sees it
    save(world.merchant1, name="全店", shared=True)
    refused(Code.INVALID, lambda: save(colleague, name="全店"), errors={"name": "name_taken"})
    assert save(world.merchant2, name="全店", shared=True).organisation == world.shop2  # another shop: its own names


def test_a_person_keeps_at_most_the_cap_and_an_organisation_shares_at_most_the_cap(world):
    SavedView.objects.bulk_create(
        SavedView(organisation=world.shop1, owner_id=world.merchant1.user_id, name=f"v{i}") for i in range(MAX_VIEWS_PER_PERSON)
    )
    refused(Code.INVALID, lambda: save(world.merchant1), errors={"name": "views_full"})
    colleague = person(world.shop1, Role.MERCHANT_OPERATOR, "colleague")
    SavedView.objects.filter(owner_id=world.merchant1.user_id).update(shared=True)
    assert MAX_SHARED_VIEWS <= MAX_VIEWS_PER_PERSON
    refused(Code.INVALID, lambda: save(colleague, shared=True), errors={"shared": "shared_views_full"})
    assert save(colleague).shared is False


# --- renaming and deleting, and tenancy -----------------------------------------------------------------------


@pytest.fixture
def views(world):
    """shop1: merchant1's personal and shared views and viewer1's personal one; shop2's and provider A's shared."""
    return {
        "personal": save(world.merchant1, name="我的"),
        "shared": save(world.merchant1, name="全店", shared=True),
        "viewer": save(world.viewer1, name="只读的"),
        "shop2": save(world.merchant2, name="店二", shared=True),
        "provider": save(world.provider1, name="东方", shared=True),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("merchant1", ["personal", "shared"]),
        ("viewer1", ["shared", "viewer"]),
        ("merchant2", ["shop2"]),
        ("provider1", ["provider"]),
        ("provider2", []),
        ("admin", []),
    ],
)
def test_one_sees_ones_own_views_and_those_shared_in_ones_organisation(world, views, who, expected):
    shown = [tab.view.pk for tab in selectors.saved_view_tabs(actor=getattr(world, who))]
    assert shown == [views[key].pk for key in expected]


@pytest.mark.parametrize(
    ("who", "view", "code"),
    [
        ("merchant1", "personal", None),
        ("merchant1", "shared", None),
        ("colleague", "shared", None),  # another operator of the shop manages a shared view
        ("colleague", "personal", Code.NOT_FOUND),
        ("viewer1", "viewer", None),
        ("viewer1", "shared", Code.NOT_PERMITTED),
        ("viewer1", "personal", Code.NOT_FOUND),
        ("merchant2", "shared", Code.NOT_FOUND),
        ("provider1", "shared", Code.NOT_FOUND),
        ("merchant1", "provider", Code.NOT_FOUND),
        ("admin", "shared", Code.NOT_FOUND),
    ],
)
def test_who_may_rename_and_delete(world, views, who, view, code):
    actor = person(world.shop1, Role.MERCHANT_OPERATOR, "colleague") if who == "colleague" else getattr(world, who)
    view_id = views[view].pk
    if code:
        refused(code, lambda: services.rename_view(actor=actor, view_id=view_id, name="新名字"))
        refused(code, lambda: services.delete_view(actor=actor, view_id=view_id))
        return
    assert services.rename_view(actor=actor, view_id=view_id, name=" 新名字 ").name == "新名字"
    assert SavedView.objects.get(pk=view_id).name == "新名字"
    services.delete_view(actor=actor, view_id=view_id)
    assert not SavedView.objects.filter(pk=view_id).exists()


def test_a_rename_keeps_names_unique_and_may_keep_its_own_name(world, views):
    refused(Code.INVALID, lambda: services.rename_view(actor=world.merchant1, view_id=views["personal"].pk, name="全店"),
            errors={"name": "name_taken"})
    assert services.rename_view(actor=world.merchant1, view_id=views["personal"].pk, name="我的").name == "我的"


# --- the pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def shop_orders(world):
    return [
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.CANCELLED),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY),
        ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1),
    ]


def tab_html(view, count, active=False):
    current = ' aria-current="page"' if active else ""
    shared = ' title="全店共享"' if view.shared else ""
    return (f'<a href="?{view.query.replace("&", "&amp;")}" class="saved-view{" active" if active else ""}"{current} data-saved-view="{view.pk}"{shared}>'
            f'{view.name}<span class="count">({count})</span></a>')


def test_the_list_shows_saved_views_as_tabs_with_the_lists_counts(client, world, shop_orders):
    mine = save(world.merchant1)
    shared = save(world.merchant1, name="销毁", query="tab=customs_destroy", shared=True)
    save(world.merchant2, name="店二", query="", shared=True)
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert tab_html(mine, 2) in html and tab_html(shared, 1) in html and "店二" not in html
    assert html.index("仓拦截成功<span") < html.index(tab_html(mine, 2)) < html.index(tab_html(shared, 1))
    for view, count in ((mine, 2), (shared, 1)):
        assert f"共 {count} 条" in client.get(f"/orders/?{view.query}").content.decode()


def test_the_view_matching_the_current_query_is_the_active_tab(client, world, shop_orders):
    mine = save(world.merchant1)
    client = client_for(client, world.merchant1)
    html = client.get("/orders/", {"status": "awaiting_instruction", "tab": "customs_return", "page": "1", "ordering": "-created"}).content.decode()
    assert tab_html(mine, 2, active=True) in html
    assert 'aria-current="page">退运' not in html  # the seed's 退运 tab is not marked as well
    html = client.get("/orders/?tab=customs_return").content.decode()
    assert tab_html(mine, 2) in html and 'class="active" aria-current="page">退运' in html


def test_saving_from_the_list_keeps_its_query_and_returns_to_it(client, world, shop_orders):
    client = client_for(client, world.merchant1)
    response = client.post("/orders/views/", {"name": "退运", "query": f"{RETURNS}&page=2&per_page=20", "shared": "on"})
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.name, view.query, view.shared) == ("退运", f"{RETURNS}&per_page=20", True)
    assert response["Location"] == f"/orders/?{view.query}"


def test_the_list_offers_sharing_to_operators_only(client, world, shop_orders):
    assert 'name="shared"' in client_for(client, world.merchant1).get("/orders/").content.decode()
    html = client_for(client, world.viewer1).get("/orders/").content.decode()
    assert "保存为视图" in html and 'name="shared"' not in html
    html = client_for(client, world.admin).get("/orders/").content.decode()
    assert "保存为视图" not in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "query": RETURNS}, "必填"),
        ({"name": "名" * 31, "query": RETURNS}, "内容过长"),
        ({"name": "好", "query": "status=bogus"}, "无效的选项"),
        ({"name": "好", "query": RETURNS, "shared": "on"}, Refused(Code.NOT_PERMITTED).message),
    ],
)
def test_a_bad_save_is_an_error_on_the_form_and_nothing_is_saved(client, world, data, error):
    response = client_for(client, world.viewer1).post("/orders/views/", data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_name_already_taken_is_a_field_error(client, world):
    save(world.merchant1)
    response = client_for(client, world.merchant1).post("/orders/views/", {"name": "退运待指令", "query": ""})
    assert response.status_code == 400 and "已有同名的视图" in response.content.decode()
    assert SavedView.objects.count() == 1


def test_manage_page_renames_and_deletes(client, world, views):
    client = client_for(client, world.merchant1)
    html = client.get("/orders/views/").content.decode()
    assert "我的" in html and "全店" in html and "只读的" not in html and "店二" not in html
    assert client.post(f"/orders/views/{views['personal'].pk}/rename/", {"name": "改名了"}).status_code == 302
    assert SavedView.objects.get(pk=views["personal"].pk).name == "改名了"
    response = client.post(f"/orders/views/{views['personal'].pk}/rename/", {"name": " "})
    assert response.status_code == 400 and "必填" in response.content.decode()
    assert client.post(f"/orders/views/{views['shared'].pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=views["shared"].pk).exists()


def test_a_viewer_may_not_manage_a_shared_view_on_the_page(client, world, views):
    client = client_for(client, world.viewer1)
    response = client.post(f"/orders/views/{views['shared'].pk}/rename/", {"name": "改"})
    assert response.status_code == 400 and Refused(Code.NOT_PERMITTED).message in response.content.decode()
    assert client.post(f"/orders/views/{views['shared'].pk}/delete/").status_code == 302
    assert SavedView.objects.get(pk=views["shared"].pk).name == "全店"


@pytest.mark.parametrize("who", ["merchant2", "provider1", "admin"])
def test_another_organisations_views_are_not_there(client, world, views, who):
    client = client_for(client, getattr(world, who))
    for key in ("personal", "shared"):
        assert client.post(f"/orders/views/{views[key].pk}/rename/", {"name": "x"}).status_code == 404
        assert client.post(f"/orders/views/{views[key].pk}/delete/").status_code == 404
    assert SavedView.objects.filter(organisation=world.shop1).count() == 3


def test_the_admin_has_no_views_page(client, world):
    assert client_for(client, world.admin).get("/orders/views/").status_code == 404
    assert client.post("/orders/views/", {"name": "x", "query": ""}).status_code == 404

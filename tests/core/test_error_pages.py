"""Every error answers with a styled page in the user's language; the API answers JSON."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.factories import make_user

pytestmark = pytest.mark.django_db

ZH = {404: ("页面不存在", "此地址没有页面，或您无权查看。"),
      403: ("无权访问", "您的角色不能打开此页面。"),
      405: ("请求方式不允许", "此地址不接受这种请求。"),
      400: ("请求无效", "无法读取该请求。"),
      500: ("服务器错误", "服务器出错，已记录。请稍后再试。")}
EN = {404: ("Page not found", "There is no page at this address, or it is not yours to see."),
      403: ("Access denied", "Your role may not open this page."),
      405: ("Method not allowed", "This address does not take that kind of request."),
      400: ("Bad request", "The request could not be read."),
      500: ("Server error",
            "Something went wrong on our side and was logged. Please try again later.")}


def client_for(role: str | None, lang: str = "zh-hans") -> Client:
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(make_user(role))
    if lang == "en":
        client.cookies["django_language"] = "en"
    return client


def assert_page(resp: object, status: int, lang: str, *, admin: bool = False) -> str:
    title, message = (EN if lang == "en" else ZH)[status]
    html = resp.content.decode()  # type: ignore[attr-defined]
    assert resp.status_code == status  # type: ignore[attr-defined]
    assert f'<html lang="{lang}"' in html
    assert f'<h1><span class="status">{status}</span> {title}</h1>' in html
    assert f">{message}</p>" in html
    sheet = "/static/css/admin.css" if admin else "/static/css/app.css"
    assert sheet in html  # styled: the page extends the app's (or back office's) base
    return html


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize(("role", "url", "status", "admin"), [
    (None, "/nope/", 404, False),
    ("data_steward", "/nope/", 404, False),
    ("data_steward", "/customers/abc/", 404, False),
    ("data_steward", "/customers/1/reveal/phone/", 405, False),
    ("data_steward", "/admin/auth/user/", 403, True),
    ("data_steward", "/admin/nope/", 404, True),
])
def test_error_pages_are_styled_and_localised(role: str | None, url: str, status: int,
                                              admin: bool, lang: str) -> None:
    resp = client_for(role, lang).get(url)
    html = assert_page(resp, status, lang, admin=admin)
    if status == 405:
        assert resp["Allow"] == "POST"
    if admin:
        assert 'id="site-name"' in html


def test_a_domain_error_page_keeps_its_code_and_own_message() -> None:
    resp = client_for("data_steward", "en").get("/customers/99999/")
    assert 'data-code="not_found">customer 99999 not found</p>' in resp.content.decode()
    resp = client_for("data_steward").get("/customers/99999/")
    assert 'data-code="not_found">客户 99999 不存在</p>' in resp.content.decode()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_stale_form_gets_a_styled_403(lang: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("data_steward"))
    if lang == "en":
        client.cookies["django_language"] = "en"
    resp = client.post("/customers/1/reveal/phone/", {"reason": "x"})
    html = resp.content.decode()
    assert resp.status_code == 403 and 'data-code="csrf_failed"' in html
    expected = ("The form has expired. Reload the page and try again." if lang == "en"
                else "表单已过期，请刷新页面后重试。")
    assert f">{expected}</p>" in html and "/static/css/app.css" in html


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_bad_request_and_server_error_pages(lang: str) -> None:
    from django.core.exceptions import SuspiciousOperation
    from django.urls import path

    def suspicious(request: object) -> None:
        raise SuspiciousOperation("x")

    def broken(request: object) -> None:
        raise RuntimeError("boom")

    from autocrm import urls

    patterns = [path("t/400/", suspicious), path("t/500/", broken), *urls.urlpatterns]
    module = type("U", (), {"urlpatterns": patterns, "handler400": urls.handler400,
                            "handler500": urls.handler500})
    with override_settings(ROOT_URLCONF=module):
        assert_page(client_for(None, lang).get("/t/400/"), 400, lang)
        assert_page(client_for(None, lang).get("/t/500/"), 500, lang)


def test_an_unknown_api_address_answers_json() -> None:
    resp = client_for("data_steward").get("/api/nope/")
    assert resp.status_code == 404
    assert resp.json() == {"code": "not_found", "message": "此地址没有页面，或您无权查看。"}


def test_an_htmx_request_gets_the_error_fragment() -> None:
    resp = client_for("data_steward").get("/customers/99999/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 404
    assert resp.content.decode().strip() == (
        '<span class="msg error" data-code="not_found">客户 99999 不存在</span>')

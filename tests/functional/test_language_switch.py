"""The language switch goes back to the page it came from, on this site only, on both apps."""

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from tests.unit.core.test_local_paths import OFF_SITE

SENT_OFF_SITE = [target for target in OFF_SITE if target]


@pytest.mark.parametrize("target", SENT_OFF_SITE)
def test_the_council_never_redirects_off_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", SENT_OFF_SITE)
def test_the_platform_never_redirects_off_site(platform_app, target):
    response = platform_app.test_client().post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_page_of_this_site_is_where_the_switch_returns(client):
    response = client.post("/language", data={"lang": "en", "next": "/cases/12?page=2"})
    assert response.headers["Location"] == "/cases/12?page=2"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_under_the_platform_mount_the_switch_stays_on_the_platform(app, platform_app):
    """Served together (``make run``), the platform's form names /platform/… and falls back to /platform/."""
    both = Client(DispatcherMiddleware(app.wsgi_app, {"/platform": platform_app.wsgi_app}))
    page = both.get("/platform/places/").get_data(as_text=True)
    assert 'name="next" value="/platform/places/"' in page
    assert both.post("/platform/language", data={"lang": "en", "next": "/platform/places/"}) \
        .headers["Location"] == "/platform/places/"
    assert both.post("/platform/language", data={"lang": "en", "next": "/\t/evil.example/"}) \
        .headers["Location"] == "/platform/"


# -- the page in the chosen language (templates are compiled once per language: council.core.i18n) ---------------


def _choose(client, language: str):
    client.post("/language", data={"lang": language, "next": "/"})


def test_the_case_page_is_in_the_chosen_language_request_after_request(client, login, make_user, make_case):
    worker = make_user("caseworker")
    case = make_case(worker, assigned=[worker])
    login(worker)
    japanese = ("本人・世帯員", "支援記録（経過記録）")
    for language, (persons, records) in [("ja", japanese), ("en", ("Persons", "Support records")), ("ja", japanese)]:
        _choose(client, language)
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert f"<h2>{persons}</h2>" in page and f"<h2>{records}</h2>" in page, language
        assert ("<h2>Persons</h2>" in page) == (language == "en")


def test_switching_back_and_forth_gives_each_language_its_own_page(client):
    """The first language a page was shown in does not stay in it for the other (one process, one template cache)."""
    for language, sign_in in [("en", "Sign in"), ("ja", "ログイン"), ("en", "Sign in")]:
        _choose(client, language)
        page = client.get("/login").get_data(as_text=True)
        assert f"<h1>{sign_in}</h1>" in page, language


def test_force_locale_renders_japanese_inside_an_english_request(app):
    """Minutes and mail are written in Japanese whatever the reader's language: a template rendered under
    ``force_locale("ja")`` is Japanese, and the English request's own pages stay English."""
    from flask import render_template, session
    from flask_babel import force_locale

    def error_page() -> str:
        return render_template("errors/error.html", status=404, title="t", message="m", request_id="r", home_url="/")

    with app.test_request_context():
        session["lang"] = "en"
        english_before = error_page()
        with force_locale("ja"):
            japanese = error_page()
        english_after = error_page()
    assert "リクエストID" in japanese and "トップページに戻る" in japanese and "Request id" not in japanese
    assert english_before == english_after and "Request id" in english_after and "リクエストID" not in english_after


@pytest.mark.parametrize("language, text", [("en", "Page &lt;b&gt;2 of 3. & 100% done."),
                                            ("ja", "3 ページ中 &lt;b&gt;2 ページ目。 & 100% done.")])
def test_a_translated_text_with_variables_escapes_the_variables(app, language, text):
    """The variables are escaped, the translation itself is not (it is ours: Jinja's newstyle gettext), and `%%` is
    a percent sign with or without variables."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(language):
        rendered = render_template_string('{{ _("Page %(page)s of %(pages)s.", page="<b>2", pages=3) }} '
                                          '{{ _("&") }} {{ _("100%% done.") }}')
    assert rendered == text

from django.template import Context, Template
from django.utils import translation


def test_the_login_page_speaks_french_and_english(client, db):
    french = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Se connecter" in french and 'lang="fr"' in french
    assert "Log in" in english and 'lang="en"' in english


def test_the_language_switcher_changes_the_language(client, org, owner, client_for):
    client = client_for(owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Your organisations" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Vos organisations" in client.get("/").content.decode()


def render(source: str, **context) -> str:
    return Template("{% load plannerist %}" + source).render(Context(context))


def test_amounts_follow_the_language():
    with translation.override("fr"):
        assert render("{{ v|money }}", v=1234.56) == "1\u00a0234,56\u00a0€"
        assert render("{{ v|pct }}", v=0.2) == "20,0\u00a0%"
        assert render("{{ v|money }}", v=-3.5) == "−3,50\u00a0€"
    with translation.override("en"):
        assert render("{{ v|money }}", v=1234.56) == "€1,234.56"
        assert render("{{ v|signed_pct }}", v=0.62) == "+62%"


def test_a_missing_value_shows_a_dash_not_nan():
    assert render("{{ v|money }}{{ w|pct }}", v=None, w=float("nan")) == "——"

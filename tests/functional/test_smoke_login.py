def test_signed_in_caseworker_sees_home_in_japanese(login, make_user):
    user = make_user("caseworker")
    client = login(user)
    page = client.get("/").get_data(as_text=True)
    assert user.display_name in page

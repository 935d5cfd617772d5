"""check_fields: a form's fields checked one by one and read together."""

from council.platform.guard import JOINT, check_fields


def pieces(texts, found):
    return {name: [(f.kind, texts[name][f.start:f.end]) for f in findings] for name, findings in found.items()}


def test_a_phone_split_between_title_and_body_is_refused_in_both():
    texts = {"title": "至急の連絡は090-4417", "body": "2386までお願いします"}
    found = check_fields(texts)
    assert pieces(texts, found) == {"title": [("phone", "090-4417")], "body": [("phone", "2386")]}
    assert all(f.detector.startswith(JOINT) for findings in found.values() for f in findings)


def test_a_person_in_the_title_and_their_circumstances_in_the_body():
    texts = {"title": "相談者（70代男性）について",
             "body": "妻を亡くしてから一人暮らしで、食事がとれていないそうです。"}
    found = check_fields(texts)
    assert "narrative" in {f.kind for f in found["body"]}


def test_what_one_field_reports_is_not_reported_twice():
    texts = {"title": "お知らせ", "body": "連絡は090-1234-5678まで"}
    found = check_fields(texts)
    assert found["title"] == [] and [(f.kind, f.detector) for f in found["body"]] == [("phone", "phonenumbers")]


def test_ordinary_fields_pass_together():
    texts = {"title": "夏祭りのお知らせ 8月2日", "body": "0歳から参加できます。会場は五井公民館、参加費100円。"}
    assert check_fields(texts) == {"title": [], "body": []}


def test_a_contact_field_is_read_alone_so_its_public_number_does_not_combine():
    texts = {"public_contact": "事務局 0436-22", "description": "1111件の相談に応じてきました"}
    found = check_fields(texts, contact=("public_contact",))
    assert found == {"public_contact": [], "description": []}


def test_a_name_field_may_hold_a_name_read_together_too():
    texts = {"display_name": "事務局 山田花子", "description": "五井地区で高齢者サロンを開いています。"}
    assert check_fields(texts, names=("display_name",)) == {"display_name": [], "description": []}
    texts = {"display_name": "山田 090-1234", "description": "5678 へどうぞ"}
    assert {f.kind for f in check_fields(texts, names=("display_name",))["display_name"]} == {"phone"}

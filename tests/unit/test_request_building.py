"""URL, query and body encoding: pure functions, tested once for both packages."""

from __future__ import annotations

import enum
import io
from urllib.parse import quote

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_async import UNSET, RequestValidationError
from clerk_async._body import json_body, multipart_body
from clerk_async._http import build_url, encode_query


class Order(enum.Enum):
    NEWEST = "-created_at"


class Item(msgspec.Struct, omit_defaults=True):
    email: str
    note: str | None | msgspec.UnsetType = UNSET


class Body(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=True):
    from_: str | msgspec.UnsetType = msgspec.field(default=UNSET, name="from")
    items: list[Item] | msgspec.UnsetType = UNSET
    count: int | msgspec.UnsetType = UNSET


def test_build_url_quotes_every_path_parameter_as_one_segment() -> None:
    url = build_url(
        "https://api.clerk.com/v1",
        "/organizations/{organization_id}/memberships/{user_id}",
        {"organization_id": "org/1", "user_id": "a b"},
        None,
    )
    assert url == "https://api.clerk.com/v1/organizations/org%2F1/memberships/a%20b"


def test_build_url_keeps_camel_case_placeholders() -> None:
    assert build_url("http://h/v1", "/api_keys/{apiKeyID}", {"apiKeyID": "ak_1"}, None) == (
        "http://h/v1/api_keys/ak_1"
    )


def test_encode_query_handles_lists_booleans_enums_and_skips_unset() -> None:
    query = {
        "user_id": ["u_1", "u&2"],
        "banned": True,
        "order_by": Order.NEWEST,
        "limit": 500,
        "query": UNSET,
        "organization_id": None,
        "created_at_after": 1.5,
    }
    assert encode_query(query) == (
        "user_id=u_1&user_id=u%262&banned=true&order_by=-created_at&limit=500&created_at_after=1.5"
    )


@pytest.mark.parametrize(
    "values",
    [
        [],
        [""],
        ["user_1", "legacy-0.9~x"],
        ["a%b", "c"],
        ["a&b", "c"],
        ["a=b"],
        ["+1", "-2"],
        ["a b", "a/b?c#d"],
        ["\u00fc", "x"],
        ["a", 1],
    ],
)
def test_an_array_of_strings_is_every_value_quoted_alone(values: list[str]) -> None:
    expected = "&".join("external_id=" + quote(str(value), safe="") for value in values)
    assert encode_query({"external_id": values}) == expected
    assert encode_query({"external_id": tuple(values), "limit": 100}) == "&".join(
        [*([expected] if values else []), "limit=100"]
    )


@given(st.lists(st.text(alphabet=st.sampled_from("aZ09_.~-&=%+ /?#\u00fc"), max_size=6)))
def test_any_array_of_strings_is_every_value_quoted_alone(values: list[str]) -> None:
    test_an_array_of_strings_is_every_value_quoted_alone(values)


def test_encode_query_rejects_mappings_naming_the_parameter() -> None:
    with pytest.raises(RequestValidationError, match="'filter'"):
        encode_query({"filter": {"a": 1}})


def test_json_body_uses_wire_names_and_validates_nested_items() -> None:
    body = json_body(Body, {"from": "x", "items": [{"email": "a@b.c"}, Item("d@e.f", None)]})
    assert msgspec.json.decode(body.content) == {
        "from": "x",
        "items": [{"email": "a@b.c"}, {"email": "d@e.f", "note": None}],
    }
    assert body.content_type == "application/json"


def test_json_body_error_names_the_nested_field() -> None:
    with pytest.raises(RequestValidationError, match=r"`items\[0\]\.email`"):
        json_body(Body, {"items": [{"email": 3}]})
    with pytest.raises(RequestValidationError, match="`count`"):
        json_body(Body, {"count": "three"})


def test_json_array_body_for_bulk_operations() -> None:
    body = json_body(list[Item], [{"email": "a@b.c"}, {"email": "d@e.f"}])
    assert msgspec.json.decode(body.content) == [{"email": "a@b.c"}, {"email": "d@e.f"}]
    with pytest.raises(RequestValidationError, match=r"request_body\[1\]"):
        json_body(list[Item], [{"email": "a@b.c"}, {"mail": "d@e.f"}])


def test_multipart_names_a_file_object_after_its_file(tmp_path: object) -> None:
    upload = io.BytesIO(b"GIF89a")
    upload.name = "/tmp/photos/cat.gif"
    body = multipart_body({"file": upload, "note": "hello"})
    boundary = body.content_type.split("boundary=")[1]
    assert (
        body.content
        == (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="cat.gif"\r\n'
            "Content-Type: image/gif\r\n\r\nGIF89a\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            f"--{boundary}--\r\n"
        ).encode()
    )


def test_multipart_escapes_quotes_and_line_breaks_in_file_names() -> None:
    body = multipart_body({"file": {"file_name": 'a"b\r\nc.png', "content": b"x"}})
    assert b'filename="a%22bc.png"' in body.content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (io.StringIO("text"), "binary mode"),
        ({"file_name": "x"}, "'content'"),
        (42, "must be bytes"),
    ],
)
def test_multipart_rejects_unusable_uploads(upload: object, message: str) -> None:
    with pytest.raises(RequestValidationError, match=message):
        multipart_body({"file": upload})


def test_a_number_field_keeps_an_int_an_int_on_the_wire() -> None:
    from clerk_async.models import CreateM2MTokenRequest

    body = json_body(CreateM2MTokenRequest, {"seconds_until_expiration": 3600})
    assert body.content == b'{"seconds_until_expiration":3600}'
    fraction = json_body(CreateM2MTokenRequest, {"seconds_until_expiration": 1.5})
    assert fraction.content == b'{"seconds_until_expiration":1.5}'

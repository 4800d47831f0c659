"""No model prints a credential: ``repr``, ``str`` and rich's pretty printing show ``<redacted>``
for every secret field of every generated model (API and webhook), while encoding still sends it.
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from rich.pretty import pretty_repr

import clerk_async.models as api_models
import clerk_async.webhooks.models as webhook_models
import clerk_sync.models as sync_models
from clerk_async._model import Model
from clerk_async.emulator.samples import sample

MARKER = "hunter2-do-not-print"


def _models() -> list[type[Model]]:
    found = []
    for module in (api_models, webhook_models):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, Model):
                found.append(value)
    return found


MODELS = _models()
WITH_SECRETS = [model for model in MODELS if model.secret_fields]


def _marked(info: mi.Type) -> Any:
    """A value of the field's type that holds ``MARKER``."""
    options = info.types if isinstance(info, mi.UnionType) else (info,)
    for option in options:
        if isinstance(option, (mi.StrType, mi.AnyType)):
            return MARKER
        if isinstance(option, mi.ListType):
            return [_marked(option.item_type)]
        if isinstance(option, mi.DictType):
            return {"value": MARKER}
    raise AssertionError(f"no place for a marker in {info}")


def _with_marker_in_every_secret(model: type[Model]) -> Model:
    info = mi.type_info(model)
    assert isinstance(info, mi.StructType)
    body = sample(model)
    for field in info.fields:
        if field.name in model.secret_fields:
            body[field.encode_name] = _marked(field.type)
    built: Model = msgspec.convert(body, model)
    return built


def test_every_model_and_its_secrets_are_found() -> None:
    assert len(MODELS) > 350
    assert len(WITH_SECRETS) > 40
    for model in WITH_SECRETS:
        assert model.secret_fields <= set(model.__struct_fields__), model


@pytest.mark.parametrize("model", WITH_SECRETS, ids=[m.__name__ for m in WITH_SECRETS])
def test_no_repr_shows_a_secret_and_encoding_still_carries_it(model: type[Model]) -> None:
    value = _with_marker_in_every_secret(model)

    for shown in (repr(value), str(value), f"{value!r}", pretty_repr(value), repr([value])):
        assert MARKER not in shown
        assert "<redacted>" in shown
    assert MARKER in value.to_json()
    assert MARKER in msgspec.json.encode(value).decode()
    assert MARKER in str(value.to_dict())


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (api_models.CreateUserRequest, {"password", "password_digest", "totp_secret"}),
        (api_models.CreateUserRequest, {"backup_codes"}),
        (api_models.UpdateUserRequest, {"password", "password_digest", "totp_secret"}),
        (api_models.APIKeyWithSecret, {"secret"}),
        (api_models.MachineSecretKey, {"secret"}),
        (api_models.OAuthApplicationWithSecret, {"client_secret"}),
        (api_models.CreateEnterpriseConnectionRequestOidc, {"client_secret"}),
        (api_models.SessionToken, {"jwt"}),
        (api_models.SignInToken, {"token", "url"}),
        (api_models.JWKSRsaPrivateKey, {"d", "p", "q", "dp", "dq", "qi"}),
        (api_models.CreateJWTTemplateRequest, {"signing_key"}),
        (webhook_models.PhoneNumber, {"backup_codes"}),
    ],
)
def test_the_credentials_the_issue_names_are_secret(model: type[Model], fields: set[str]) -> None:
    assert fields <= model.secret_fields


def test_a_request_prints_what_is_set_and_hides_the_password() -> None:
    request = sync_models.CreateUserRequest(first_name="Ada", password="hunter2", totp_secret=None)

    assert "first_name='Ada'" in repr(request)
    assert "password=<redacted>" in repr(request)
    assert "totp_secret=None" in repr(request)  # not set is not a secret
    assert "password_digest=UNSET" in repr(request)
    assert request.to_dict() == {"first_name": "Ada", "password": "hunter2", "totp_secret": None}


def test_a_model_without_secrets_prints_as_msgspec_does() -> None:
    email = msgspec.convert(sample(api_models.EmailAddress), api_models.EmailAddress)
    assert repr(email) == msgspec.Struct.__repr__(email)

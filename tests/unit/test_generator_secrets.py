"""The generator's secret-field rules: by name, by model and field, and every look-alike decided."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.test_generator import codegen

config = codegen("config")
ir = codegen("ir")
SpecError = codegen("spec").SpecError
mark_secrets = codegen("secrets").mark_secrets


def _struct(name: str, *wires: str) -> Any:
    fields = [ir.Field(wire, wire, ir.Prim("str"), True) for wire in wires]
    return ir.StructDef(name, fields, request=False, origin=name)


def _rules(**changes: Any) -> Any:
    """A generator config with no secret rule but ``changes``."""
    empty = frozenset[Any]()
    rules = {"secret_names": empty, "secret_fields": empty, "not_secret_names": empty, **changes}
    return config.Config(**rules)


def test_fields_are_secret_by_name_anywhere_or_by_model_and_field() -> None:
    key, link, other = _struct("Key", "d", "password"), _struct("Link", "url"), _struct("P", "url")
    by_model = frozenset({("Key", "d"), ("Link", "url")})

    mark_secrets(
        [key, link, other], _rules(secret_names=frozenset({"password"}), secret_fields=by_model)
    )

    assert [f.secret for f in key.fields] == [True, True]
    assert [f.secret for f in link.fields] == [True]
    assert [f.secret for f in other.fields] == [False]


def test_a_field_named_like_a_credential_must_be_decided() -> None:
    structs = [_struct("Vault", "master_password"), _struct("Settings", "token_ttl")]
    with pytest.raises(SpecError, match=r"Settings\.token_ttl, Vault\.master_password"):
        mark_secrets(structs, _rules())

    mark_secrets(structs, _rules(not_secret_names=frozenset({"master_password", "token_ttl"})))


def test_a_rule_for_a_field_the_spec_no_longer_has_stops_the_generator() -> None:
    with pytest.raises(SpecError, match=r"Gone\.secret"):
        mark_secrets([_struct("Here", "id")], _rules(secret_fields=frozenset({("Gone", "secret")})))


def test_the_configured_rules_are_consistent() -> None:
    assert not config.SECRET_NAMES & config.NOT_SECRET_NAMES
    assert all(config.SECRET_LOOKALIKE.search(name) for name in config.NOT_SECRET_NAMES)

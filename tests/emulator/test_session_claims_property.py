"""Whatever roles, permissions and plans hold, a token's ``o.per``/``o.fpm`` decode, with Clerk JS's
rules, to exactly the role's custom permissions whose feature the organization has."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_async.emulator.params import Body
from clerk_async.emulator.state import State
from clerk_async.emulator.state.session_claims import state_claims
from clerk_async.emulator.tokens import SigningKey

from .clerk_js_claims import org_permissions, split_by_scope

FEATURES = st.sampled_from(["a", "b", "c", "dash_board", "e9"])
ACTIONS = st.sampled_from(["read", "manage", "create", "delete", "x_1", "z"])
PAIRS = st.sets(st.tuples(FEATURES, ACTIONS), max_size=14)


@settings(max_examples=150, deadline=None)
@given(
    granted=PAIRS,
    others=PAIRS,
    plan=st.none() | st.lists(FEATURES, unique=True, max_size=4),
    extra=st.lists(FEATURES, unique=True, max_size=2),
)
def test_masks_decode_to_the_roles_permissions_in_the_organizations_features(
    granted: set[tuple[str, str]],
    others: set[tuple[str, str]],
    plan: list[str] | None,
    extra: list[str],
) -> None:
    state = State(
        key=SigningKey("ins_test"), issuer="https://x", frontend="https://x", instance_id="ins_t"
    )
    made: dict[tuple[str, str], str] = {}
    for feature, action in sorted(others | granted):
        body = Body({"name": action, "key": f"org:{feature}:{action}"})
        made[(feature, action)] = state.org_roles.create_permission(body)["id"]
    role = state.org_roles.create_role(
        Body({"name": "Role", "key": "org:role", "permissions": [made[p] for p in granted]}), 10
    )
    state.role_sets.initial().role_ids.append(role.id)
    user = state.users.create(Body({}))
    org = state.orgs.create(Body({"name": "Acme"}))
    state.orgs.add_member(org["id"], Body({"user_id": user["id"], "role": "org:role"}))
    if plan is not None:
        state.billing.create_plan("plan", payer_type="org", features=plan)
        state.billing.subscribe(org["id"], "plan")
    state.billing.grant_features(org["id"], extra)
    session = {"user_id": user["id"], "active_organization_id": org["id"]}
    session = state.sessions.create(Body(session))

    claims = {"v": 2, **state_claims(session, state.orgs, state.billing)}

    in_plan = plan if plan is not None else [f for f, _ in sorted(others | granted)]
    org_features = list(dict.fromkeys([*in_plan, *extra]))
    expected = {f"org:{f}:{a}" for f, a in granted if f in org_features}
    decoded = org_permissions(claims)
    assert sorted(decoded) == sorted(expected)
    assert len(decoded) == len(set(decoded))
    assert split_by_scope(claims.get("fea")) == (org_features, [])
    if expected:
        assert len(claims["o"]["fpm"].split(",")) == len(org_features)
        assert claims["o"]["per"] == ",".join(sorted({p.rsplit(":", 1)[1] for p in expected}))
    else:
        assert "per" not in claims["o"] and "fpm" not in claims["o"]

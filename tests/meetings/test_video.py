"""Video providers, checked against each provider's documented format: Jitsi
tokens decoded with PyJWT, BigBlueButton checksums recomputed by hand."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from commonroom.meetings.video import (
    BigBlueButtonConfig,
    BigBlueButtonProvider,
    BreakoutsUnsupported,
    ExternalLinkConfig,
    ExternalLinkProvider,
    JitsiConfig,
    JitsiProvider,
    JoinRefusal,
    JoinRefused,
    Participant,
    Room,
    VideoProvider,
    check_join_window,
    join_window,
    opaque_id,
    room_name,
)

START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
NOW = START - timedelta(minutes=5)

JITSI_SECRET = "jitsi-test-secret-0123456789abcdefghijklmnop"
BBB_SECRET = "8cd8ef52e8e101574e400365b55e11a6-test-only"
SESSION_KEY = "session:1234"

FACILITATOR = Participant(
    id=90210, display_name="Sam (facilitator)", moderator=True, email="sam.q.legal@example.org"
)
MEMBER = Participant(id=31337, display_name="José & Ana / 50%", email="jose.legal@example.org")

ROOM_NAME = re.compile(r"^[a-z2-7]{32}$")


def jitsi(**overrides: Any) -> JitsiProvider:
    settings: dict[str, Any] = {
        "domain": "meet.example.org",
        "app_id": "commonroom",
        "app_secret": JITSI_SECRET,
    }
    settings.update(overrides)
    return JitsiProvider(config=JitsiConfig(**settings))


def bbb(checksum: str = "sha1", **overrides: Any) -> BigBlueButtonProvider:
    settings: dict[str, Any] = {
        "api_url": "https://bbb.example.org/bigbluebutton/api",
        "secret": BBB_SECRET,
        "checksum": checksum,
    }
    settings.update(overrides)
    return BigBlueButtonProvider(config=BigBlueButtonConfig(**settings))


def link() -> ExternalLinkProvider:
    return ExternalLinkProvider(
        config=ExternalLinkConfig(url="https://zoom.example.com/j/123?pwd=abc")
    )


def make_room(provider: VideoProvider, *, ends_at: datetime = END) -> Room:
    return provider.create_room(
        session_key=SESSION_KEY, title="Evening group", starts_at=START, ends_at=ends_at
    )


def jitsi_token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jwt"][0]


def decode(token: str, *, secret: str = JITSI_SECRET, at: datetime = NOW) -> dict[str, Any]:
    # Verified as Prosody would at the moment the person joins.
    with time_machine.travel(at, tick=False):
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience="jitsi",
            issuer="commonroom",
            options={"require": ["exp", "nbf", "aud", "iss", "sub", "room"]},
        )
    return claims


def signed_parts(url: str) -> tuple[str, str, str]:
    """(call name, the raw query as sent minus the checksum, the checksum)."""
    path, _, query = url.partition("?")
    raw, _, checksum = query.rpartition("&checksum=")
    return path.rsplit("/", 1)[1], raw, checksum


def assert_checksum(url: str, *, algorithm: str, secret: str = BBB_SECRET) -> dict[str, str]:
    call, raw, checksum = signed_parts(url)
    expected = hashlib.new(algorithm, (call + raw + secret).encode()).hexdigest()
    assert checksum == expected
    params = parse_qs(raw, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in params.values())
    return {key: values[0] for key, values in params.items()}


# --- Jitsi -------------------------------------------------------------------


def test_jitsi_token_header_is_hs256_jwt() -> None:
    provider = jitsi()
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=NOW)
    assert jwt.get_unverified_header(jitsi_token(url)) == {"alg": "HS256", "typ": "JWT"}


def test_jitsi_token_carries_the_documented_claims() -> None:
    provider = jitsi()
    room = make_room(provider)
    claims = decode(jitsi_token(provider.join_url(room=room, person=MEMBER, now=NOW)))
    assert claims == {
        "aud": "jitsi",
        "iss": "commonroom",
        "sub": "meet.example.org",
        "room": room.name,
        "nbf": int((NOW - timedelta(minutes=1)).timestamp()),
        "exp": int((END + timedelta(minutes=15)).timestamp()),
        "moderator": False,
        "context": {
            "user": {
                "id": opaque_id(secret=JITSI_SECRET, person_id=MEMBER.id),
                "name": "José & Ana / 50%",
                "moderator": False,
            },
            "features": {
                "recording": False,
                "livestreaming": False,
                "transcription": False,
                "outbound-call": False,
            },
        },
    }


def test_jitsi_subject_can_name_a_tenant_or_any() -> None:
    provider = jitsi(subject="*")
    claims = decode(
        jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    )
    assert claims["sub"] == "*"


def test_jitsi_facilitator_is_moderator_in_both_claims() -> None:
    provider = jitsi()
    claims = decode(
        jitsi_token(provider.join_url(room=make_room(provider), person=FACILITATOR, now=NOW))
    )
    assert claims["moderator"] is True
    assert claims["context"] == {
        "user": {
            "id": opaque_id(secret=JITSI_SECRET, person_id=FACILITATOR.id),
            "name": "Sam (facilitator)",
            "moderator": True,
        },
        "features": {
            "recording": False,
            "livestreaming": False,
            "transcription": False,
            "outbound-call": False,
        },
    }


def test_jitsi_participant_is_not_moderator_in_either_claim() -> None:
    provider = jitsi()
    claims = decode(
        jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    )
    context = claims["context"]
    assert isinstance(context, dict)
    assert claims["moderator"] is False
    assert context["user"]["moderator"] is False


def test_jitsi_token_is_valid_from_just_before_now() -> None:
    provider = jitsi()
    claims = decode(
        jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    )
    assert NOW - timedelta(minutes=5) <= datetime.fromtimestamp(claims["nbf"], UTC) < NOW


def test_jitsi_token_expires_shortly_after_the_session() -> None:
    provider = jitsi()
    late = END - timedelta(minutes=1)
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=late)
    claims = decode(jitsi_token(url), at=late)
    assert datetime.fromtimestamp(claims["exp"], UTC) == END + timedelta(minutes=15)


def test_jitsi_token_lifetime_is_capped_for_long_sessions() -> None:
    provider = jitsi()
    room = make_room(provider, ends_at=START + timedelta(hours=8))
    claims = decode(jitsi_token(provider.join_url(room=room, person=MEMBER, now=NOW)))
    assert datetime.fromtimestamp(claims["exp"], UTC) == NOW + timedelta(hours=4)


def test_jitsi_token_is_refused_after_it_expires() -> None:
    provider = jitsi()
    token = jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    with (
        time_machine.travel(END + timedelta(minutes=16), tick=False),
        pytest.raises(jwt.ExpiredSignatureError),
    ):
        jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi")


def test_jitsi_token_is_refused_before_it_is_valid() -> None:
    provider = jitsi()
    token = jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    with (
        time_machine.travel(NOW - timedelta(minutes=2), tick=False),
        pytest.raises(jwt.ImmatureSignatureError),
    ):
        jwt.decode(token, JITSI_SECRET, algorithms=["HS256"], audience="jitsi")


def test_jitsi_url_path_names_the_token_room() -> None:
    provider = jitsi()
    room = make_room(provider)
    url = provider.join_url(room=room, person=MEMBER, now=NOW)
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.fragment) == ("https", "meet.example.org", "")
    assert parts.path == f"/{room.name}"
    assert decode(jitsi_token(url))["room"] == room.name


def test_jitsi_can_skip_the_prejoin_screen() -> None:
    provider = jitsi(skip_prejoin=True)
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=NOW)
    assert urlsplit(url).fragment == "config.prejoinConfig.enabled=false"


@pytest.mark.parametrize("person", [FACILITATOR, MEMBER], ids=["facilitator", "member"])
def test_jitsi_link_carries_no_email_or_database_id(person: Participant) -> None:
    provider = jitsi()
    url = provider.join_url(room=make_room(provider), person=person, now=NOW)
    claims_text = json.dumps(decode(jitsi_token(url)), ensure_ascii=False)
    url_without_token = url.replace(jitsi_token(url), "")
    assert person.email is not None
    for text in (claims_text, url_without_token, url):
        assert person.email not in text
        assert person.email.split("@")[0] not in text
        assert str(person.id) not in text


def test_jitsi_token_signed_with_another_secret_fails_verification() -> None:
    forged = jitsi(app_secret="another-secret-0123456789abcdefghijklmnop")
    token = jitsi_token(forged.join_url(room=make_room(jitsi()), person=FACILITATOR, now=NOW))
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token)


def test_jitsi_token_for_another_audience_fails_verification() -> None:
    provider = jitsi(audience="someone-else")
    token = jitsi_token(provider.join_url(room=make_room(provider), person=MEMBER, now=NOW))
    with pytest.raises(jwt.InvalidAudienceError):
        decode(token)


def test_jitsi_refuses_a_short_secret() -> None:
    with pytest.raises(ValueError, match="app_secret"):
        jitsi(app_secret="short")


@pytest.mark.parametrize(
    "domain",
    [
        "https://meet.example.org",
        "meet.example.org/x",
        "Meet.org",
        "",
        "meet.example.org:",
        "meet.example.org:https",
        "meet.example.org:70000",
        "user@meet.example.org",
    ],
)
def test_jitsi_domain_is_a_bare_host(domain: str) -> None:
    with pytest.raises(ValueError, match="domain"):
        jitsi(domain=domain)


def test_jitsi_on_another_port_keeps_the_port_in_the_url_but_not_the_subject() -> None:
    provider = jitsi(domain="meet.example.org:8443")
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=NOW)
    assert url.startswith("https://meet.example.org:8443/")
    assert decode(jitsi_token(url))["sub"] == "meet.example.org"


def test_jitsi_breakouts_are_separate_rooms_with_their_own_tokens() -> None:
    provider = jitsi()
    parent = make_room(provider)
    breakouts = provider.breakout_rooms(parent=parent, count=3)
    assert [b.sequence for b in breakouts] == [1, 2, 3]
    assert all(b.parent == parent.name and ROOM_NAME.match(b.name) for b in breakouts)
    assert len({parent.name, *(b.name for b in breakouts)}) == 4
    url = provider.join_url(room=breakouts[1], person=MEMBER, now=NOW)
    assert urlsplit(url).path == f"/{breakouts[1].name}"
    assert decode(jitsi_token(url))["room"] == breakouts[1].name


def test_jitsi_has_no_end_call() -> None:
    provider = jitsi()
    assert provider.end_room(room=make_room(provider)) is None


# --- Room names --------------------------------------------------------------


def test_room_names_differ_per_session() -> None:
    names = {room_name(secret=JITSI_SECRET, session_key=f"session:{n}") for n in range(200)}
    assert len(names) == 200


def test_room_name_is_stable_for_a_session() -> None:
    assert make_room(jitsi()).name == room_name(secret=JITSI_SECRET, session_key=SESSION_KEY)


def test_room_name_cannot_be_derived_without_the_secret() -> None:
    other = jitsi(app_secret="another-secret-0123456789abcdefghijklmnop")
    assert make_room(other).name != make_room(jitsi()).name
    assert SESSION_KEY.split(":")[1] not in make_room(jitsi()).name


@given(session_key=st.text(min_size=1))
def test_room_names_are_32_lowercase_base32_characters(session_key: str) -> None:
    # 32 characters of a 32-letter alphabet is 160 bits, above the 128 required.
    assert ROOM_NAME.match(room_name(secret=JITSI_SECRET, session_key=session_key))


def test_room_name_needs_a_session_key() -> None:
    with pytest.raises(ValueError, match="session_key"):
        room_name(secret=JITSI_SECRET, session_key="")


def test_opaque_ids_differ_per_person_and_secret() -> None:
    ids = {opaque_id(secret=JITSI_SECRET, person_id=n) for n in range(200)}
    assert len(ids) == 200
    assert opaque_id(secret=JITSI_SECRET, person_id=1) != opaque_id(secret=BBB_SECRET, person_id=1)
    assert opaque_id(secret=JITSI_SECRET, person_id=1) != room_name(
        secret=JITSI_SECRET, session_key="1"
    )


def test_participant_repr_hides_the_email() -> None:
    assert "example.org" not in repr(MEMBER)


# --- BigBlueButton ---------------------------------------------------------------

ALGORITHMS = ["sha1", "sha256", "sha384", "sha512"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_bbb_create_is_signed_over_the_query_as_sent(algorithm: str) -> None:
    room = make_room(bbb(algorithm))
    assert room.create_url is not None
    assert room.create_url.startswith("https://bbb.example.org/bigbluebutton/api/create?")
    assert_checksum(room.create_url, algorithm=algorithm)


def test_bbb_create_turns_recording_off_and_sets_stable_passwords() -> None:
    provider = bbb()
    room = make_room(provider)
    assert room.create_url is not None
    params = assert_checksum(room.create_url, algorithm="sha1")
    assert ROOM_NAME.match(room.name)
    assert params.pop("moderatorPW") != params.pop("attendeePW")
    assert params == {
        "meetingID": room.name,
        "name": "Evening group",
        "record": "false",
        "autoStartRecording": "false",
        "allowStartStopRecording": "false",
    }
    assert make_room(provider).create_url == room.create_url


def test_bbb_create_can_carry_a_welcome_message() -> None:
    room = make_room(bbb(welcome="Welcome, cameras optional"))
    assert room.create_url is not None
    assert assert_checksum(room.create_url, algorithm="sha1")["welcome"] == (
        "Welcome, cameras optional"
    )


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
@pytest.mark.parametrize(
    ("person", "role"), [(FACILITATOR, "MODERATOR"), (MEMBER, "VIEWER")], ids=["fac", "member"]
)
def test_bbb_join_signs_role_and_display_name(
    algorithm: str, person: Participant, role: str
) -> None:
    provider = bbb(algorithm)
    room = make_room(provider)
    url = provider.join_url(room=room, person=person, now=NOW)
    assert url.startswith("https://bbb.example.org/bigbluebutton/api/join?")
    assert assert_checksum(url, algorithm=algorithm) == {
        "fullName": person.display_name,
        "meetingID": room.name,
        "role": role,
        "userID": opaque_id(secret=BBB_SECRET, person_id=person.id),
        "redirect": "true",
    }


def test_bbb_join_percent_encodes_special_characters() -> None:
    provider = bbb("sha256")
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=NOW)
    _, raw, _ = signed_parts(url)
    # Spaces as %20 (quote, as BBB documents), never "+"; & / % escaped.
    assert "fullName=Jos%C3%A9%20%26%20Ana%20%2F%2050%25&" in raw
    assert assert_checksum(url, algorithm="sha256")["fullName"] == "José & Ana / 50%"


@given(name=st.text(st.characters(codec="utf-8"), min_size=1).filter(str.strip))
def test_bbb_checksum_holds_for_any_display_name(name: str) -> None:
    provider = bbb("sha256")
    person = Participant(id=5, display_name=name)
    url = provider.join_url(room=make_room(provider), person=person, now=NOW)
    assert assert_checksum(url, algorithm="sha256")["fullName"] == name


def test_bbb_viewer_cannot_promote_themselves_by_editing_the_url() -> None:
    provider = bbb()
    url = provider.join_url(room=make_room(provider), person=MEMBER, now=NOW)
    tampered = url.replace("role=VIEWER", "role=MODERATOR")
    with pytest.raises(AssertionError):
        assert_checksum(tampered, algorithm="sha1")


def test_bbb_join_sends_no_password_unless_the_server_needs_it() -> None:
    provider = bbb()
    url = provider.join_url(room=make_room(provider), person=FACILITATOR, now=NOW)
    assert "password" not in assert_checksum(url, algorithm="sha1")


@pytest.mark.parametrize(
    ("person", "password_of"),
    [(FACILITATOR, "moderatorPW"), (MEMBER, "attendeePW")],
    ids=["fac", "member"],
)
def test_bbb_legacy_join_sends_the_role_password(person: Participant, password_of: str) -> None:
    provider = bbb(legacy_passwords=True)
    room = make_room(provider)
    assert room.create_url is not None
    created = assert_checksum(room.create_url, algorithm="sha1")
    joined = assert_checksum(provider.join_url(room=room, person=person, now=NOW), algorithm="sha1")
    assert joined["password"] == created[password_of]
    assert joined["role"] == ("MODERATOR" if person.moderator else "VIEWER")


@pytest.mark.parametrize("person", [FACILITATOR, MEMBER], ids=["facilitator", "member"])
def test_bbb_join_carries_no_email_or_database_id(person: Participant) -> None:
    provider = bbb(legacy_passwords=True)
    url = provider.join_url(room=make_room(provider), person=person, now=NOW)
    params = assert_checksum(url, algorithm="sha1")
    decoded = unquote(url)
    assert person.email is not None
    assert person.email not in decoded
    assert str(person.id) not in json.dumps(params)


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_bbb_end_names_the_meeting_and_moderator_password(algorithm: str) -> None:
    provider = bbb(algorithm)
    room = make_room(provider)
    assert room.create_url is not None
    end_url = provider.end_room(room=room)
    assert end_url.startswith("https://bbb.example.org/bigbluebutton/api/end?")
    assert assert_checksum(end_url, algorithm=algorithm) == {
        "meetingID": room.name,
        "password": assert_checksum(room.create_url, algorithm=algorithm)["moderatorPW"],
    }


def test_bbb_breakout_create_calls_link_to_the_parent() -> None:
    provider = bbb("sha256")
    parent = make_room(provider)
    breakouts = provider.breakout_rooms(parent=parent, count=2)
    assert len({parent.name, *(b.name for b in breakouts)}) == 3
    for sequence, breakout in enumerate(breakouts, start=1):
        assert breakout.create_url is not None
        params = assert_checksum(breakout.create_url, algorithm="sha256")
        assert (breakout.parent, breakout.sequence) == (parent.name, sequence)
        assert params["meetingID"] == breakout.name
        assert params["name"] == f"Evening group · {sequence}"
        assert params["isBreakout"] == "true"
        assert params["parentMeetingID"] == parent.name
        assert params["sequence"] == str(sequence)
        assert params["freeJoin"] == "false"
        assert params["record"] == "false"


def test_bbb_breakouts_cannot_nest_or_be_empty() -> None:
    provider = bbb()
    parent = make_room(provider)
    with pytest.raises(ValueError, match="count"):
        provider.breakout_rooms(parent=parent, count=0)
    with pytest.raises(ValueError, match="breakout"):
        provider.breakout_rooms(parent=provider.breakout_rooms(parent=parent, count=1)[0], count=1)


def test_bbb_api_url_must_be_https() -> None:
    with pytest.raises(ValueError, match="https"):
        bbb(api_url="http://bbb.example.org/bigbluebutton/api")


def test_bbb_refuses_an_unknown_checksum() -> None:
    with pytest.raises(ValueError, match="checksum"):
        bbb("md5")


# --- External link ------------------------------------------------------------


@pytest.mark.parametrize("person", [FACILITATOR, MEMBER], ids=["facilitator", "member"])
def test_external_link_is_returned_unchanged(person: Participant) -> None:
    provider = link()
    url = provider.join_url(room=make_room(provider), person=person, now=NOW)
    assert url == "https://zoom.example.com/j/123?pwd=abc"


def test_external_link_has_no_end_call_or_breakouts() -> None:
    provider = link()
    room = make_room(provider)
    assert provider.end_room(room=room) is None
    assert provider.supports_breakouts is False
    with pytest.raises(BreakoutsUnsupported):
        provider.breakout_rooms(parent=room, count=2)


@pytest.mark.parametrize(
    "url",
    ["http://zoom.example.com/j/123", "javascript:alert(1)", "https://", "https://a b.example/"],
)
def test_external_link_must_be_https(url: str) -> None:
    with pytest.raises(ValueError, match="url"):
        ExternalLinkConfig(url=url)


# --- Join window ----------------------------------------------------------------


def test_join_opens_exactly_fifteen_minutes_before_start() -> None:
    assert join_window(starts_at=START, ends_at=END, now=START - timedelta(minutes=15))


def test_join_one_second_earlier_is_too_early() -> None:
    now = START - timedelta(minutes=15, seconds=1)
    assert not join_window(starts_at=START, ends_at=END, now=now)
    with pytest.raises(JoinRefused) as refused:
        check_join_window(starts_at=START, ends_at=END, now=now)
    assert refused.value.reason is JoinRefusal.TOO_EARLY
    assert refused.value.reason.value == "too_early"


def test_join_is_open_until_just_before_the_end() -> None:
    assert join_window(starts_at=START, ends_at=END, now=END - timedelta(seconds=1))


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1), timedelta(days=1)])
def test_join_at_or_after_the_end_is_refused_as_ended(after: timedelta) -> None:
    assert not join_window(starts_at=START, ends_at=END, now=END + after)
    with pytest.raises(JoinRefused) as refused:
        check_join_window(starts_at=START, ends_at=END, now=END + after)
    assert refused.value.reason is JoinRefusal.ENDED
    assert refused.value.reason.value == "ended"


def test_early_minutes_can_widen_the_window() -> None:
    now = START - timedelta(minutes=30)
    assert join_window(starts_at=START, ends_at=END, now=now, early_minutes=30)


@pytest.mark.parametrize("naive", ["starts_at", "ends_at", "now"])
def test_join_window_needs_aware_datetimes(naive: str) -> None:
    times = {"starts_at": START, "ends_at": END, "now": NOW}
    times[naive] = times[naive].replace(tzinfo=None)
    with pytest.raises(ValueError, match=naive):
        join_window(starts_at=times["starts_at"], ends_at=times["ends_at"], now=times["now"])


def test_not_on_roster_is_a_refusal_reason() -> None:
    assert str(JoinRefused(JoinRefusal.NOT_ON_ROSTER)) == "not_on_roster"


# --- Every provider -----------------------------------------------------------

PROVIDERS = [jitsi(), bbb(), link()]
PROVIDER_IDS = ["jitsi", "bbb", "link"]


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
def test_provider_satisfies_the_interface(provider: VideoProvider) -> None:
    assert isinstance(provider, VideoProvider)
    for method in ("create_room", "join_url", "end_room", "breakout_rooms"):
        expected = inspect.signature(getattr(VideoProvider, method)).parameters
        actual = inspect.signature(getattr(provider, method)).parameters
        assert list(actual) == [name for name in expected if name != "self"]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in actual.values())
    assert provider.kind in {"jitsi", "bbb", "link"}


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
@pytest.mark.parametrize(
    ("now", "reason"),
    [(START - timedelta(hours=1), JoinRefusal.TOO_EARLY), (END, JoinRefusal.ENDED)],
    ids=["early", "ended"],
)
def test_provider_refuses_links_outside_the_window(
    provider: VideoProvider, now: datetime, reason: JoinRefusal
) -> None:
    with pytest.raises(JoinRefused) as refused:
        provider.join_url(room=make_room(provider), person=MEMBER, now=now)
    assert refused.value.reason == reason


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
def test_provider_refuses_another_providers_room(provider: VideoProvider) -> None:
    other = jitsi() if provider.kind != "jitsi" else bbb()
    with pytest.raises(ValueError, match="provider"):
        provider.join_url(room=make_room(other), person=MEMBER, now=NOW)


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
def test_provider_needs_a_room_that_ends_after_it_starts(provider: VideoProvider) -> None:
    with pytest.raises(ValueError, match="ends_at"):
        provider.create_room(session_key=SESSION_KEY, title="x", starts_at=END, ends_at=START)


@pytest.mark.parametrize("provider", PROVIDERS, ids=PROVIDER_IDS)
def test_provider_needs_aware_room_times(provider: VideoProvider) -> None:
    with pytest.raises(ValueError, match="aware"):
        provider.create_room(
            session_key=SESSION_KEY,
            title="x",
            starts_at=START.replace(tzinfo=None),
            ends_at=END.replace(tzinfo=None),
        )

"""Who is looking at a page, and the guards on everything a page lets them send.

- A member's session is a cookie signed with the web secret (itsdangerous): HttpOnly, so
  no script reads it; SameSite=Lax, so another site cannot send it with a form; Secure
  when the pages are served over https. It names the account that asked for the login
  link, and is honoured only while that account still belongs to the member it names.
- Every form carries a CSRF token: the browser's visitor id (a cookie of its own), signed
  and dated. A POST whose token is missing, forged, old or another browser's is refused.
- Every form has a honeypot field that people never see and spam robots fill in.
- Rate limits count each client's attempts in a sliding window, per process.

Times come from the services' clock, so tests move them as they move everything else.
"""

import logging
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from itsdangerous import BadSignature, URLSafeSerializer

from bot.config import ConfigError, Settings
from contract.vocabulary import Actor, Clock, MemberProfile, Platform
from storage import members
from storage.db import Database
from storage.web_login import SignedIn

log = logging.getLogger(__name__)

SESSION_COOKIE = "larch_session"
VISITOR_COOKIE = "larch_visitor"
SESSION_LIFETIME = timedelta(hours=8)
FORM_LIFETIME = timedelta(hours=2)
CSRF_FIELD = "csrf_token"
# A field hidden from people (and from screen readers); a robot filling every field fills it.
HONEYPOT_FIELD = "website"
NEW_VISITOR = web.RequestKey("larch_new_visitor", str)


def web_secret(settings: Settings) -> str:
    """The secret that signs sessions and form tokens. A deployment (an https public URL)
    must set one, so that sessions survive restarts and every web process accepts them;
    elsewhere a random one serves this process."""
    if settings.larch_web_secret is not None:
        return settings.larch_web_secret.get_secret_value()
    if serves_https(settings):
        raise ConfigError("LARCH_WEB_SECRET: must be set when LARCH_PUBLIC_URL is https")
    log.warning("LARCH_WEB_SECRET is not set: web sign-ins last until this process stops")
    return secrets.token_urlsafe(32)


def serves_https(settings: Settings) -> bool:
    return (settings.larch_public_url or "").lower().startswith("https://")


@dataclass(frozen=True)
class Viewer:
    """A signed-in member, and the account the web pages speak as for them."""

    member: MemberProfile
    actor: Actor


class Guard:
    def __init__(self, secret: str, *, secure: bool, clock: Clock, db: Database) -> None:
        self._sessions = URLSafeSerializer(secret, salt="larch-web-session")
        self._forms = URLSafeSerializer(secret, salt="larch-web-form")
        self._buttons = URLSafeSerializer(secret, salt="larch-web-button")
        self._secure = secure
        self._clock = clock
        self._db = db

    # --- sessions ----------------------------------------------------------------------

    def sign_in(self, response: web.StreamResponse, signed_in: SignedIn) -> None:
        value = self._sessions.dumps(
            {
                "m": signed_in.member_id,
                "p": signed_in.platform.value,
                "u": signed_in.user_id,
                "at": self._now_stamp(),
            }
        )
        self._set_cookie(response, SESSION_COOKIE, value, SESSION_LIFETIME)

    def sign_out(self, response: web.StreamResponse) -> None:
        response.del_cookie(SESSION_COOKIE, path="/")

    def viewer(self, request: web.Request) -> Viewer | None:
        """The signed-in member, or None: no cookie, a forged or old one, or an account
        that is no longer the member's (unlinked, or the member asked to be forgotten)."""
        content = self._read(self._sessions, request.cookies.get(SESSION_COOKIE), SESSION_LIFETIME)
        if content is None:
            return None
        try:
            platform, user_id, member_id = Platform(content["p"]), str(content["u"]), content["m"]
        except (KeyError, ValueError):
            return None
        with self._db.session() as session:
            member = members.find(session, platform, user_id)
        if member is None or member.id != member_id:
            return None
        return Viewer(member, Actor(platform, user_id, display_name=member.display_name))

    # --- forms -------------------------------------------------------------------------

    def visitor_id(self, request: web.Request) -> str:
        """This browser's id for CSRF tokens: its cookie, or a new one `remember_visitor`
        sets on the response."""
        known = request.cookies.get(VISITOR_COOKIE)
        if known:
            return known
        if NEW_VISITOR not in request:
            request[NEW_VISITOR] = secrets.token_urlsafe(16)
        return request[NEW_VISITOR]

    def remember_visitor(self, request: web.Request, response: web.StreamResponse) -> None:
        if NEW_VISITOR in request:
            self._set_cookie(response, VISITOR_COOKIE, request[NEW_VISITOR], None)

    def csrf_token(self, request: web.Request) -> str:
        return self._forms.dumps({"v": self.visitor_id(request), "at": self._now_stamp()})

    def form_is_genuine(self, request: web.Request, sent: str | None) -> bool:
        """Whether a POST carries a token this server gave this browser, lately."""
        content = self._read(self._forms, sent, FORM_LIFETIME)
        visitor = request.cookies.get(VISITOR_COOKIE)
        return content is not None and visitor is not None and content.get("v") == visitor

    def sign(self, value: object) -> str:
        """`value` signed, for a form to carry back unchanged (a button's action and value)."""
        return self._buttons.dumps(value)

    def unsign(self, signed: str) -> object | None:
        try:
            return self._buttons.loads(signed)
        except BadSignature:
            return None

    # --- helpers -----------------------------------------------------------------------

    def _read(
        self, serializer: URLSafeSerializer, value: str | None, lifetime: timedelta
    ) -> dict[str, object] | None:
        if not value:
            return None
        try:
            content = serializer.loads(value)
        except BadSignature:
            return None
        if not isinstance(content, dict) or not isinstance(content.get("at"), int):
            return None
        age = self._now_stamp() - content["at"]
        if not 0 <= age <= lifetime.total_seconds():
            return None
        return content

    def _now_stamp(self) -> int:
        return int(self._clock.now().timestamp())

    def _set_cookie(
        self, response: web.StreamResponse, name: str, value: str, lifetime: timedelta | None
    ) -> None:
        response.set_cookie(
            name,
            value,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self._secure,
            max_age=None if lifetime is None else int(lifetime.total_seconds()),
        )


class RateLimit:
    """At most `limit` attempts per client within `window`; each process counts its own."""

    def __init__(self, clock: Clock, limit: int, window: timedelta) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window
        self._attempts: defaultdict[str, deque[datetime]] = defaultdict(deque)

    def allow(self, client: str) -> bool:
        now = self._clock.now()
        attempts = self._attempts[client]
        while attempts and attempts[0] <= now - self._window:
            attempts.popleft()
        if len(attempts) >= self._limit:
            return False
        attempts.append(now)
        # Clients seen once long ago are forgotten, so the counts never outgrow the window.
        for gone in [c for c, times in self._attempts.items() if times[-1] <= now - self._window]:
            del self._attempts[gone]
        return True


def client_of(request: web.Request) -> str:
    """Who counts as one client for a rate limit: the connecting address."""
    return request.remote or "unknown"

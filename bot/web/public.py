"""The pages for everyone, no account needed: home, About, the definitions A to Z and
each entry, resources by kind and topic, search, upcoming events, REMI, and the features'
web forms (Submit a resource).

What they show comes from where chat gets it: the served knowledge base (kept current as
before every chat request), the same search the question path uses, the events' storage,
and each web form's own `receive`, which sends what was typed as the chat form would."""

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.web.guard import HONEYPOT_FIELD
from bot.web.pages import PageButton, Pages
from contract.specs import WebForm
from contract.vocabulary import Command
from contract.when import format_span
from handlers.services import Services
from knowledge.entries import Entry
from knowledge.remi import STAGES
from storage import events
from storage.events import Counts, Event

# The knowledge base's entries that say what the hub is, in the order About shows them.
ABOUT_ENTRIES = (
    ("larch", "The Hub"),
    ("origins-of-larch", "How it started"),
    ("larch-steering-group", "Governance: the steering group"),
    ("larch-leaders-group", "Governance: the Leaders Group"),
    ("strategic-framework-five-commitments", "The five commitments"),
    ("co-production-partners", "Partners"),
)
KIND_LABELS = (
    ("definition", "Definitions"),
    ("resource", "Toolkits, training and evidence"),
    ("organisation", "Organisations"),
)
PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HOME_EVENTS = 3
LISTED_EVENTS = 10
INFOGRAPHIC_PATH = "/remi/infographic.png"
STATUS_WORDS = {
    "going": "Going",
    "waitlist": "On the waitlist",
    "maybe": "Maybe",
    "not_going": "Can't go",
}


@dataclass(frozen=True)
class ShownEvent:
    id: int
    title: str
    when: str
    where: str
    audience: str | None
    description: str
    places: str
    mine: str | None = None
    buttons: tuple[PageButton, ...] = ()


def add_routes(web_app: web.Application, pages: Pages) -> None:
    public = PublicPages(pages)
    router = web_app.router
    router.add_get("/", public.home)
    router.add_get("/about", public.about)
    router.add_get("/definitions", public.definitions)
    router.add_get("/entries/{entry_id}", public.entry)
    router.add_get("/resources", public.resources)
    router.add_get("/search", public.search)
    router.add_get("/events", public.events)
    router.add_get("/remi", public.remi)
    for form in pages.app.registry.web_forms:
        router.add_get(f"/{form.name}", public.form_page(form))
        router.add_post(f"/{form.name}", public.form_sent(form))


class PublicPages:
    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.services: Services = pages.app.services

    def _entries(self) -> list[Entry]:
        self.pages.keep_current()
        return list(self.services.knowledge.entries)

    async def home(self, request: web.Request) -> web.Response:
        entries = self._entries()
        counts: defaultdict[str, int] = defaultdict(int)
        for entry in entries:
            counts[entry.kind] += 1
        upcoming = await self.pages.off_loop(self._upcoming, HOME_EVENTS)
        return self.pages.page(
            request,
            "home.html",
            current="/",
            hub=self.services.knowledge.get("larch"),
            counts=counts,
            next_events=[self._shown(e, c) for e, c in upcoming],
        )

    async def about(self, request: web.Request) -> web.Response:
        self.pages.keep_current()
        sections = [
            {"entry": entry, "heading": heading}
            for entry_id, heading in ABOUT_ENTRIES
            if (entry := self.services.knowledge.get(entry_id)) is not None
        ]
        return self.pages.page(request, "about.html", current="/about", sections=sections)

    async def definitions(self, request: web.Request) -> web.Response:
        by_letter: defaultdict[str, list[Entry]] = defaultdict(list)
        for entry in self._entries():
            if entry.kind == "definition":
                first = entry.title.lstrip("“\"'(")[:1].upper()
                by_letter[first if first.isalpha() else "#"].append(entry)
        groups = [
            (letter, sorted(by_letter[letter], key=lambda e: e.title.lower()))
            for letter in sorted(by_letter)
        ]
        return self.pages.page(request, "definitions.html", current="/definitions", groups=groups)

    async def entry(self, request: web.Request) -> web.Response:
        self.pages.keep_current()
        entry = self.services.knowledge.get(request.match_info["entry_id"])
        if entry is None:
            return self.pages.not_found(request)
        related = [e for e in map(self.services.knowledge.get, entry.related) if e is not None]
        return self.pages.page(request, "entry.html", entry=entry, related=related)

    async def resources(self, request: web.Request) -> web.Response:
        entries = self._entries()
        kind = request.query.get("kind")
        tag = request.query.get("tag")
        kinds = dict(KIND_LABELS)
        if kind in kinds:
            shown = [e for e in entries if e.kind == kind]
            heading = kinds[kind]
        elif tag:
            shown = [e for e in entries if tag in e.tags]
            heading = f"On “{tag}”"
        else:
            shown = [e for e in entries if e.kind != "definition"]
            heading = "Everything but the definitions"
        return self.pages.page(
            request,
            "resources.html",
            current="/resources",
            kinds=KIND_LABELS,
            kind=kind,
            tag=tag,
            tags=sorted({t for e in entries for t in e.tags}),
            heading=heading,
            entries=sorted(shown, key=lambda e: e.title.lower()),
        )

    async def search(self, request: web.Request) -> web.Response:
        query = " ".join(request.query.get("q", "").split())[: self.pages.MAX_QUERY_CHARS]
        answers: list[Entry] = []
        suggestions: list[Entry] = []
        if query:
            self.pages.keep_current()
            found = await self.pages.off_loop(self.services.knowledge.lookup, query)
            answers = [m.entry for m in found.answers]
            suggestions = [m.entry for m in found.suggestions]
        return self.pages.page(
            request,
            "search.html",
            current="/search",
            query=query,
            answers=answers,
            suggestions=suggestions,
        )

    async def events(self, request: web.Request) -> web.Response:
        viewer = self.pages.guard.viewer(request)
        upcoming = await self.pages.off_loop(self._upcoming, LISTED_EVENTS)
        mine: dict[int, str] = {}
        if viewer is not None:
            with self.services.db.session() as session:
                mine = events.statuses_of(session, viewer.member.id, [e.id for e, _ in upcoming])
        shown = []
        for event, counts in upcoming:
            buttons: tuple[PageButton, ...] = ()
            if viewer is not None:
                # The event's own card in chat: its buttons are the ones the page offers.
                replies = await self.pages.app.router.handle_command(
                    Command(viewer.actor, f"event {event.id}")
                )
                buttons = tuple(b for r in replies for b in self.pages.buttons(r) if b.url is None)
            status = mine.get(event.id)
            shown.append(
                self._shown(event, counts, STATUS_WORDS.get(status or "", status), buttons)
            )
        return self.pages.page(request, "events.html", current="/events", events=shown)

    async def remi(self, request: web.Request) -> web.Response:
        self.pages.keep_current()
        served = {resource.canonical for resource in request.app.router.resources()}
        return self.pages.page(
            request,
            "remi.html",
            current="/remi",
            remi=self.services.knowledge.get("remi"),
            stages=[f"{s.name}: {s.meaning}." for s in STAGES],
            infographic=INFOGRAPHIC_PATH in served,
        )

    def form_page(self, form: WebForm[Services]) -> PageHandler:
        async def show(request: web.Request) -> web.Response:
            return self.pages.page(
                request, "form.html", current=f"/{form.name}", page=form, values={}
            )

        return show

    def form_sent(self, form: WebForm[Services]) -> PageHandler:
        async def receive(request: web.Request) -> web.Response:
            sent = await self.pages.genuine_form(request, self.pages.form_limit)
            if isinstance(sent, web.Response):
                return sent
            fields = {f.name: sent.get(f.name, "") for f in form.form.fields}
            if sent.get(HONEYPOT_FIELD):
                # A robot filled the field people never see: thanked, and nothing is sent.
                return self.pages.page(request, "thanks.html", page=form, thanks="Thank you.")
            viewer = self.pages.guard.viewer(request)
            answer = await form.receive(
                self.services, fields, viewer.member if viewer is not None else None
            )
            if answer.thanks is None:
                return self.pages.page(
                    request,
                    "form.html",
                    status=400,
                    current=f"/{form.name}",
                    page=form,
                    values=fields,
                    problem=answer.problem,
                    problem_field=answer.field,
                )
            return self.pages.page(request, "thanks.html", page=form, thanks=answer.thanks)

        return receive

    def _upcoming(self, limit: int) -> list[tuple[Event, Counts]]:
        with self.services.db.session() as session:
            upcoming = events.upcoming_events(session, self.services.clock.now(), limit=limit)
            return [(e, events.counts(session, e.id)) for e in upcoming]

    def _shown(
        self,
        event: Event,
        counts: Counts,
        mine: str | None = None,
        buttons: tuple[PageButton, ...] = (),
    ) -> ShownEvent:
        assert event.id is not None
        where = " and ".join(p for p in (event.venue, "online" if event.online_link else None) if p)
        return ShownEvent(
            id=event.id,
            title=event.title,
            when=format_span(event.starts_at, event.ends_at, self.services.timezone)
            + " (London time)",
            where=where,
            audience=event.audience,
            description=event.description,
            places=places(event, counts),
            mine=mine,
            buttons=buttons,
        )


def places(event: Event, counts: Counts) -> str:
    """How full an event is, as its announcement in chat counts it."""
    if event.capacity is None:
        return f"{counts.going} going, no limit on places"
    left = max(event.capacity - counts.going, 0)
    waiting = f", {counts.waitlist} on the waitlist" if counts.waitlist else ""
    return f"{left} of {event.capacity} places left ({counts.going} going{waiting})"

"""Positions read off appositives: "Foreign Minister Abdoulaye Diop", "Mali's Prime Minister Abdoulaye Maiga",
"the transitional president Colonel Assimi Goita", "the UN Secretary-General, Antonio Guterres",
"Awa Kontao, the spokesperson of MINUSMA", "the head of a private military company, John Doe".

Each becomes what the curated files write: a fact about the person (``holdsPosition`` and the ``name`` the
article gives) whose evidence is the title and the name, and, for a position the project does not know yet,
a Position entity and a fact saying what it is a position in (``positionIn``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..extract import Mention
from .geo import DEMONYMS
from .known import AGENT_TYPES, folded_key
from .model import Context, DraftFact, NewEntity
from .text import find_mentions_folded, fold_str, slugify

ROLE_HEADS = [
    "under-secretary-general",
    "secretary-general",
    "secretary general",
    "prime minister",
    "foreign minister",
    "defence minister",
    "defense minister",
    "interior minister",
    "minister",
    "vice-president",
    "vice president",
    "president",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "head",
    "chief",
    "leader",
    "commander",
    "special representative",
    "representative",
    "chairman",
    "chairperson",
    "chairwoman",
    "director-general",
    "director",
    "premier",
    "governor",
    "mayor",
    "coordinator",
    "high commissioner",
    "chief of staff",
    "founder",
    "ceo",
    "king",
    "emir",
    "prefect",
]
_HEAD = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(h) for h in sorted(ROLE_HEADS, key=len, reverse=True)) + r")(?![\w-])"
)
RANKS = {
    "colonel",
    "col.",
    "general",
    "gen.",
    "lieutenant",
    "lt.",
    "captain",
    "capt.",
    "major",
    "maj.",
    "brigadier",
    "admiral",
    "marshal",
    "sergeant",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "sheikh",
    "imam",
    "lieutenant-colonel",
    "lt-col",
    "general-major",
}
MODIFIERS = {
    "deputy",
    "vice",
    "acting",
    "interim",
    "transitional",
    "former",
    "senior",
    "special",
    "foreign",
    "prime",
    "defence",
    "defense",
    "interior",
    "top",
    "chief",
    "military",
    "outgoing",
    "new",
    "incoming",
    "current",
    "permanent",
    "executive",
    "assistant",
    "first",
    "regional",
    "national",
}
_KEY_MODIFIERS = ("deputy", "transitional", "vice", "assistant")


def role_key(phrase: str) -> str | None:
    """The normalised role of a title: "Minister of Foreign Affairs" -> "foreign minister", "MINUSMA head" -> "head"."""
    s = " ".join(fold_str(phrase).lower().replace("'s", " ").split())
    s = re.sub(r"minister (?:of|for) foreign affairs|foreign affairs minister", "foreign minister", s)
    s = re.sub(r"minister (?:of|for) (?:defence|defense)", "defence minister", s)
    s = re.sub(r"spokes(?:woman|person)", "spokesman", s)
    s = re.sub(r"secretary general", "secretary-general", s)
    s = re.sub(r"\b(?:un|u\.n\.|united nations) chief\b", "secretary-general", s)
    heads = list(_HEAD.finditer(s))
    if not heads:
        return None
    head = heads[-1]
    key = head.group(0).replace("defense", "defence").replace("vice president", "vice-president")
    if key in ("chairperson", "chairwoman"):
        key = "chairman"
    if key == "chief":
        key = "head"
    before = s[: head.start()].split()
    mods: list[str] = []
    demonyms = {fold_str(d).lower() for d in DEMONYMS}
    for w in reversed(before):
        if w in _KEY_MODIFIERS:
            mods.insert(0, w)
        elif w not in demonyms:
            break
    return " ".join([*mods, key])


@dataclass(frozen=True)
class Title:
    """An appositive title found next to a person's name."""

    person: str
    name_surface: str
    start: int  # of the evidence (title and name)
    end: int
    title: str  # the title words as written
    title_start: int
    title_end: int
    role: str
    former: bool


def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]


def _title_before(ctx: Context, m: Mention) -> Title | None:
    s_start, _ = ctx.sentence_span(m.start)
    toks = [(w, s_start + a, s_start + b) for w, a, b in _tokens(ctx.text, s_start, m.start)]
    i = len(toks) - 1
    while i >= 0 and toks[i][0].lower() in RANKS:
        i -= 1
    if i < 0:
        return None
    comma = toks[i][0].endswith(",")
    end_word = i
    # the title ends at toks[end_word] (without its comma); find a role head with an optional of/for tail
    words = [t[0].rstrip(",") for t in toks]
    head_end = None
    for tail in range(0, 7):
        j = end_word - tail  # index of the last word of the head
        if j < 0:
            break
        if tail:
            linking = words[j + 1].lower()
            if linking not in ("of", "for", "to"):
                continue
            rest = words[j + 2 : end_word + 1]
            if not comma and any(w[:1].islower() and w.lower() not in ("the", "a", "an", "and") for w in rest):
                continue
        for n in (1, 2, 3):
            if j - n + 1 < 0:
                break
            candidate = " ".join(words[j - n + 1 : j + 1]).lower()
            if _HEAD.fullmatch(fold_str(candidate)):
                head_end = (j - n + 1, j)
        if head_end:
            break
    if head_end is None:
        return None
    k = head_end[0] - 1
    first = head_end[0]
    while k >= 0:
        w = toks[k][0]
        bare = w.rstrip(",;:")
        if bare != w:
            break
        low = bare.lower()
        if low in ("the", "a", "an"):
            first = k
            break
        if (
            low in MODIFIERS
            or low in RANKS
            or re.match(r"^[A-Z][\w.\u2019'-]*$", bare)
            or low.endswith(("'s", "\u2019s"))
        ):
            # a capitalised first word of the sentence is part of the title only if it is a name or demonym
            first_word = bare[:1].isupper() and k == 0 and not low.endswith(("'s", "\u2019s")) and low not in MODIFIERS
            if first_word and not any(x.start == toks[k][1] for x in ctx.mentions) and bare not in DEMONYMS:
                break
            first = k
            k -= 1
            continue
        break
    title_start = toks[first][1]
    title_end = toks[end_word][2] - (1 if comma else 0)
    title = ctx.text[title_start:title_end]
    role = role_key(title)
    if role is None:
        return None
    former = bool(re.search(r"(?i)\bformer\b", title))
    return Title(m.entity, m.surface, title_start, m.end, title, title_start, title_end, role, former)


_AFTER = re.compile(
    r"^,\s+(?P<np>(?:(?:the|a|an|its|their)\s+)?(?:[\w\u2019'.-]+\s+){0,5}?(?:"
    + "|".join(re.escape(h) for h in sorted(ROLE_HEADS, key=len, reverse=True))
    + r")(?:\s+(?:of|for|to|at)\s+[^,.;:“”\"]{2,80}?)?)(?=\s*(?:[,.;:]|$|\s+(?:said|says|told|added)\b))",
    re.IGNORECASE,
)


def _title_after(ctx: Context, m: Mention) -> Title | None:
    _, s_end = ctx.sentence_span(m.start)
    match = _AFTER.match(ctx.text[m.end : s_end])
    if not match:
        return None
    np = match["np"]
    if re.search(r"(?i)\b(?:who|which|that)\b", np):
        return None
    t_start = m.end + match.start("np")
    t_end = m.end + match.end("np")
    role = role_key(np)
    if role is None:
        return None
    return Title(m.entity, m.surface, m.start, t_end, np, t_start, t_end, role, bool(re.search(r"(?i)\bformer\b", np)))


def _org_of(ctx: Context, t: Title) -> tuple[str | None, str]:
    """The organisation or country the title is a position in, and how that was found."""
    agents = [
        x for x in ctx.mentions_in(t.title_start, t.title_end) if ctx.type_of(x.entity) in AGENT_TYPES - {"Person"}
    ]
    title_low = fold_str(t.title).lower()
    tail = re.search(r"\b(?:of|for|to|at)\s+(?:the\s+)?(.+)$", t.title)
    if tail:
        in_tail = [x for x in agents if x.start >= t.title_start + tail.start(1)]
        if in_tail:
            return in_tail[0].entity, "named after the title"
    for x in agents:
        if ctx.possessive(x):
            return x.entity, "possessive"
    if agents:
        return agents[0].entity, "named in the title"
    if re.search(r"(?i)\bmission['\u2019]s\b", t.title):
        missions = [x.entity for x in ctx.mentions if ctx.type_of(x.entity) == "Mission"]
        if missions:
            return max(set(missions), key=missions.count), "the mission the article is about"
    if re.search(r"(?:nation|country|state)['\u2019]s\b", t.title) and ctx.main_country:
        return ctx.main_country, "the article's country"
    for word in re.findall(r"[A-Z][\w-]*(?: [A-Z][\w-]*)?", t.title):
        for w in (word, word.split()[0]):
            if w in DEMONYMS:
                target = DEMONYMS[w]
                for x in find_mentions_folded(target, ctx.knowledge.names(frozenset({"Country", "Place"}))):
                    return x.entity, f"the adjective {w!r}"
                for e in ctx.new_entities.values():
                    if folded_key(e.label) == folded_key(target):
                        return e.id, f"the adjective {w!r}"
    if "secretary-general" in t.role or ("spokesman" in t.role and "chief" in title_low):
        un = _entity_named(ctx, "United Nations")
        if un:
            return un, "a UN title"
    if t.role.split()[-1] in ("minister", "president", "vice-president", "premier") and ctx.main_country:
        return ctx.main_country, "the article's country (a minister or president named without a country)"
    return None, ""


def _entity_named(ctx: Context, name: str) -> str | None:
    key = folded_key(name)
    for e in ctx.knowledge.entities.values():
        if folded_key(e.label) == key or any(folded_key(a) == key for a in e.aliases):
            return e.id
    return None


def known_positions(ctx: Context) -> dict[tuple[str, str | None], str]:
    """(role key, organisation) -> position id, for every Position the project declares."""
    index: dict[tuple[str, str | None], str] = {}
    agents = ctx.knowledge.names(AGENT_TYPES)
    for e in ctx.knowledge.entities.values():
        if e.type != "Position":
            continue
        role = role_key(e.label)
        if role is None:
            continue
        found = find_mentions_folded(e.label, agents)
        org = None
        after = [x for x in found if re.search(r"\b(?:of|for)\s+(?:the\s+)?$", e.label[: x.start])]
        if after:
            org = after[0].entity
        elif found:
            org = found[0].entity
        if org is None:
            for w, target in DEMONYMS.items():
                if re.search(r"\b" + re.escape(w) + r"\b", e.label):
                    org = _entity_named(ctx, target)
                    break
        if org is None and "secretary-general" in role:
            org = _entity_named(ctx, "United Nations")
        index.setdefault((role, org), e.id)
    return index


def position_for(
    ctx: Context,
    role: str,
    org: str | None,
    title: str,
    start: int,
    end: int,
    how: str,
    index: dict[tuple[str, str | None], str] | None = None,
    *,
    bare: bool = False,
) -> tuple[str, list[DraftFact], list[str]]:
    """The position id for ``role`` in ``org`` (a known one, or a new one declared with its positionIn fact).

    ``bare``: the title names no organisation ("Foreign Minister X" in a text that names no country); then the one
    known position of that role, if there is exactly one, is taken, with a note.
    """
    index = known_positions(ctx) if index is None else index
    position = index.get((role, org))
    if position is not None:
        return position, [], [f"{position}: the known position for {role!r} in {org}" + (f" ({how})" if how else "")]
    if bare:
        same_role = {pid for (r, _o), pid in index.items() if r == role}
        if len(same_role) == 1:
            (only,) = same_role
            return only, [], [f"{only}: the only known position for {role!r}; the text names no organisation"]
    for e in ctx.new_entities.values():
        if e.kind == "position" and e.key == f"{role}|{org}":
            return e.id, [], []
    role_title = role[:1].upper() + role[1:]
    label = f"{role_title} of {ctx.label_of(org)}" if org else _title_label(title)
    pid = ctx.unique_id(slugify(label))
    ctx.add(
        NewEntity(
            pid,
            "Position",
            label,
            key=f"{role}|{org}",
            start=start,
            kind="position",
            notes=[f"a position the project does not know yet, from {title!r}"],
        )
    )
    if org is None:
        return pid, [], ["the title names no organisation or country: add positionIn to the position"]
    fact = DraftFact(
        pid,
        [ctx.passage(start, end)],
        {"positionIn": [org]},
        "position-org",
        start,
        end,
        notes=[f"in {ctx.label_of(org)}: {how}"],
    )
    return pid, [fact], []


def draft_positions(ctx: Context) -> list[DraftFact]:
    """holdsPosition facts (and new Position entities with their positionIn fact) from the text's appositives."""
    index = known_positions(ctx)
    facts: list[DraftFact] = []
    seen: set[tuple[str, str]] = set()
    for m in ctx.mentions:
        if ctx.type_of(m.entity) != "Person" or ctx.in_skip(m.start):
            continue
        t = _title_before(ctx, m) or _title_after(ctx, m)
        if t is None:
            continue
        named = [x for x in ctx.mentions_in(t.title_start, t.title_end) if ctx.type_of(x.entity) == "Position"]
        extra_facts: list[DraftFact]
        if named:  # the title is a known position's name: "the head of MINUSMA"
            org, how = None, ""
            pos, extra_facts, notes = named[0].entity, [], [f"{named[0].entity}: the title names it"]
        else:
            org, how = _org_of(ctx, t)
            bare = org is None and not re.search(r"(?i)\b(?:of|for|to|at)\b", t.title)
            pos, extra_facts, notes = position_for(ctx, t.role, org, t.title, t.start, t.end, how, index, bare=bare)
        if (m.entity, pos) in seen:
            continue
        seen.add((m.entity, pos))
        facts.extend(extra_facts)
        if t.former:
            notes.append("a former holder: check that holdsPosition is what you want to say")
        ctx.held.setdefault(m.entity, {})[pos] = (t.role, org)
        facts.append(
            DraftFact(
                m.entity,
                [ctx.passage(t.start, t.end)],
                {"holdsPosition": [pos], "name": [m.surface]},
                "position",
                t.start,
                t.end,
                notes=notes,
                extra={"role": t.role, "title": t.title},
            )
        )
    return facts


def org_in_phrase(ctx: Context, start: int, end: int, role: str) -> str | None:
    """The organisation or country a role phrase ("Minusma's head", "the UN chief's spokesman") belongs to."""
    t = Title("", "", start, end, ctx.text[start:end], start, end, role, False)
    return _org_of(ctx, t)[0]


def _title_label(title: str) -> str:
    s = re.sub(r"^(?:the|a|an)\s+", "", " ".join(title.split()), flags=re.IGNORECASE)
    return s[:1].upper() + s[1:]


def known_holders(ctx: Context) -> None:
    """Fill ``ctx.held`` with the positions other articles say people hold."""
    index = {pid: key for key, pid in known_positions(ctx).items()}
    for person, positions in ctx.knowledge.positions_held().items():
        for pid in positions:
            role, org = index.get(pid, (role_key(ctx.label_of(pid)) or "", None))
            ctx.held.setdefault(person, {}).setdefault(pid, (role, org))

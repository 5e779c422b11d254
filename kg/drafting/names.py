"""Candidate new entities: capitalised names in the running text that no known entity's label or alias matches.

Each gets a type guess from what surrounds it (a title or a say-verb: a Person; "Council", "Ministry", "Group":
an organisation; "region", "in X": a Place; a country's name: a Country) and a proposed id (its slug). A name
with no such clue is listed for the curator rather than declared.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .geo import COUNTRIES, DEMONYMS, PLACE_WORDS
from .model import Context, NewEntity
from .positions import RANKS, ROLE_HEADS
from .speech import SAY
from .text import find_mentions_folded, fold_str, is_heading, slugify, words_of

CONNECTORS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "van",
    "von",
    "der",
    "bin",
    "ibn",
    "al",
    "el",
    "ag",
    "ould",
    "of",
    "for",
    "the",
    "and",
}
SKIP_WORDS = (
    set(
        words_of(
            """The A An However But And In On At It He She They This That These Those His Her Its Their We Our I
    After Before
    While Still Also Furthermore Likewise Secondly Firstly Thirdly Finally Rather By For From With Since Until Like
    Some Several Many Such Calling Addressing Set Thanks No Post Comment Share Pin Discuss Read Also Other Another
    Most Both Each Every Any All Further Moreover Meanwhile Instead Despite Although Though When Where Why How What
    Who Which If As To Of Then Now Today Yesterday Tomorrow Earlier Later Late Early Last Next According Under Over
    Western Eastern Northern Southern Islamist Jihadist Blue Helmets Mr Mrs Ms Dr Exit Background Source Sources
    Updated Published Photo Video Image Reuters"""
        )
    )
    | {m for m in calendar.month_name if m}
    | {d for d in calendar.day_name}
)
TITLE_WORDS = {w.capitalize() for h in ROLE_HEADS for w in re.split(r"[\s]+", h)} | {
    "Foreign",
    "Prime",
    "Deputy",
    "Transitional",
    "Secretary-General",
    "Under-Secretary-General",
    "Colonel",
    "General",
    "Minister",
    "President",
    "Ambassador",
    "Spokesman",
    "Spokesperson",
    "Head",
    "Chief",
    "Senior",
    "Special",
    "Acting",
    "Interim",
    "Former",
    "Lieutenant",
    "Captain",
    "Major",
    "Defence",
    "Defense",
    "Interior",
    "Affairs",
}
ORG_WORDS = {
    "Government": {"Ministry", "Ministers", "Government", "Junta", "Parliament", "Presidency", "Department", "Cabinet"},
    "ArmedGroup": {
        "Front",
        "Brigade",
        "Battalion",
        "Movement",
        "Militia",
        "Katiba",
        "Jamaat",
        "Jama'at",
        "Coordination",
    },
    "Alliance": {"Alliance", "Coalition", "Pact", "Confederation"},
    "Mission": {"Mission"},
    "Organisation": {
        "Council",
        "Group",
        "Agency",
        "Company",
        "Forces",
        "Army",
        "Commission",
        "Office",
        "Union",
        "Party",
        "Bank",
        "Organisation",
        "Organization",
        "Nations",
        "Assembly",
        "Committee",
        "News",
        "Press",
        "Court",
        "Institute",
        "Foundation",
        "Fund",
        "Programme",
        "Program",
        "Network",
        "Corporation",
        "Association",
        "Authority",
        "Service",
        "Police",
        "Guard",
        "Command",
        "Secretariat",
        "Bureau",
        "Directorate",
        "Community",
        "Centre",
        "Center",
        "Board",
        "Red Cross",
        "International",
        "Watch",
        "Amnesty",
        "Media",
        "TV",
        "Radio",
        "Times",
        "Post",
    },
}
_TOKEN = re.compile(r"[^\W\d_][\w\u2019'.-]*")


@dataclass
class Candidate:
    name: str
    start: int
    end: int
    type: str | None
    why: str


def _runs(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of capitalised word runs (with name particles inside) in text[start:end]."""
    text = ctx.text
    runs: list[tuple[int, int]] = []
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    i = 0
    while i < len(tokens):
        s, e = tokens[i]
        word = text[s:e]
        if not word[0].isupper():
            i += 1
            continue
        run_end = e
        j = i + 1
        while j < len(tokens):
            ns, ne = tokens[j]
            gap = text[run_end:ns]
            if gap not in (" ", "-"):
                break
            nxt = text[ns:ne]
            if nxt[0].isupper():
                run_end = ne
                j += 1
                continue
            if (
                nxt.lower() in CONNECTORS
                and j + 1 < len(tokens)
                and text[ne : tokens[j + 1][0]] == " "
                and text[tokens[j + 1][0]].isupper()
            ):
                j += 1
                continue
            if nxt in ("region", "province", "district") and text[run_end:ns] == " ":
                run_end = ne
                j += 1
            break
        runs.append((s, run_end))
        i = j
    return runs


def _trim(ctx: Context, s: int, e: int, sentence_start: int) -> tuple[int, int] | None:
    text = ctx.text
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text, s, e)]
    while words and (
        text[words[0][0] : words[0][1]].rstrip(".") in SKIP_WORDS | TITLE_WORDS
        or text[words[0][0] : words[0][1]].lower() in CONNECTORS
        or text[words[0][0] : words[0][1]].lower() in RANKS
        or text[words[0][0] : words[0][1]] in DEMONYMS
    ):
        words.pop(0)
    while words and (
        text[words[-1][0] : words[-1][1]].lower() in CONNECTORS or text[words[-1][0] : words[-1][1]] in SKIP_WORDS
    ):
        words.pop()
    if not words:
        return None
    s, e = words[0][0], words[-1][1]
    name = text[s:e]
    for suffix in ("\u2019s", "'s", "\u2019", "'", "."):
        if name.endswith(suffix):
            e -= len(suffix)
            name = name[: -len(suffix)]
    if re.search(r"-(?:linked|based|backed|led|born|run|owned|aligned|controlled)$", name) or len(name) < 2:
        return None
    return s, e


def _guess(ctx: Context, name: str, s: int, e: int, sentence_start: int, sentence_end: int) -> tuple[str | None, str]:
    text = ctx.text
    words = name.split()
    if name in COUNTRIES:
        return "Country", "the name of a country"
    for cls, keys in ORG_WORDS.items():
        if len(words) == 1 and name in keys:
            return None, ""  # "Agency", "Council": a common noun capitalised, not a name
        if any(w in keys for w in words) or any(k in name for k in keys if " " in k):
            return cls, f"the word {next((w for w in words if w in keys), name)!r}"
    if words[-1].capitalize() in PLACE_WORDS or words[-1] in ("region", "province", "district"):
        return "Place", f"the word {words[-1]!r}"
    if re.fullmatch(r"[A-Z]{2,6}", name):
        return "Organisation", "an acronym"
    before = text[max(sentence_start, s - 60) : s]
    after = text[e : min(sentence_end, e + 40)]
    heads = "|".join(re.escape(h) for h in sorted(ROLE_HEADS, key=len, reverse=True))
    ranks = "|".join(re.escape(r) for r in sorted(RANKS, key=len, reverse=True))
    if re.search(r"(?i)\b(?:" + heads + r"|" + ranks + r")\W{0,2}\s*(?:(?:" + ranks + r")\s+)?$", before) or re.search(
        r"(?i)\b(?:" + heads + r")\s+(?:of|for|at)\s+[^,.;]{1,60},\s*$", before
    ):
        return "Person", "a title or rank before it"
    if 2 <= len(words) <= 4 and re.match(r"^,?\s+(?:" + SAY + r")\b", after):
        return "Person", "a say-verb after it"
    if 2 <= len(words) <= 4 and re.match(
        r"(?i)^,\s+(?:the|a|an)\s+(?:[\w\u2019'-]+\s+){0,3}?(?:" + heads + r")\b", after
    ):
        return "Person", "a title after it"
    if re.search(r"\b(?:" + SAY + r")\s*$", before) and 2 <= len(words) <= 4:
        return "Person", "a say-verb before it"
    kind = re.search(r"(?i)\b(city|town|village|region|province|district|capital|camp|base) of\s+$", before)
    if kind:
        return "Place", f"'{kind.group(1)} of' before it"
    if (
        len(words) == 1
        and re.search(r"\b(?:in|at|near|from|to)\s+(?:the\s+)?$", before)
        and not re.match(
            r"^\s+(?!(?:and|in|on|at|of|to|for|with|near|from|where|which|who|when|before|after|since|until)\b)[a-z]",
            after,
        )
    ):
        return "Place", f"'{before.split()[-1]} {name}'"
    if 2 <= len(words) <= 3 and all(w[0].isupper() for w in words):
        surname = words[-1]
        if len(re.findall(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", text)) > 1:
            return "Person", f"its last word {surname!r} comes back alone"
    return None, ""


def find_candidates(ctx: Context) -> tuple[list[Candidate], list[str]]:
    """Capitalised names no known entity matches, with a type guess; unclassified ones as comments."""
    text = ctx.text
    taken = bytearray(len(text))
    for m in ctx.mentions:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    found: dict[str, Candidate] = {}
    unsure: dict[str, str] = {}
    for sent in ctx.sents:
        if ctx.in_skip(sent.start) or is_heading(text[sent.start : sent.end]):
            continue
        for rs, re_ in _runs(ctx, ctx.content_start(sent.start), sent.end):
            inside = [m for m in ctx.mentions if m.start < re_ and rs < m.end]
            tail_start = max((m.end for m in inside), default=rs)
            tail = text[tail_start:re_].split()
            whole_name = (
                bool(inside)
                and all(rs <= m.start and m.end < re_ and not ctx.possessive(m) for m in inside)
                and any(w in keys for keys in ORG_WORDS.values() for w in tail)
            )
            if whole_name:
                # "Sahel Liberation Front": a new name that contains a known one
                trimmed = _trim(ctx, rs, re_, sent.start)
                if trimmed:
                    s, e = trimmed
                    cls, why = _guess(ctx, text[s:e], s, e, sent.start, sent.end)
                    key = fold_str(text[s:e]).lower()
                    if cls and key not in found and not any(m.start == s and m.end == e for m in ctx.mentions):
                        found[key] = Candidate(text[s:e], s, e, cls, why)
                        continue
            # split the run where a known mention covers it
            pieces, cur = [], None
            for token in _TOKEN.finditer(text, rs, re_):
                if any(taken[token.start() : token.end()]):
                    if cur:
                        pieces.append(cur)
                    cur = None
                    continue
                cur = (cur[0], token.end()) if cur else (token.start(), token.end())
            if cur:
                pieces.append(cur)
            for ps, pe in pieces:
                trimmed = _trim(ctx, ps, pe, sent.start)
                if trimmed is None:
                    continue
                s, e = trimmed
                name = text[s:e]
                if name in DEMONYMS or name.rstrip("s") in DEMONYMS or re.fullmatch(r"[A-Z]", name):
                    continue
                if not name[0].isupper():
                    continue
                if "-" in name and all(
                    find_mentions_folded(part, ctx.knowledge.names()) for part in name.split("-") if part
                ):
                    continue  # "Mali-France": two known names
                if (
                    s == sent.start
                    and " " not in name
                    and not re.search(r"(?<=[a-z,;] )" + re.escape(name) + r"(?![\w-])", text)
                ):
                    continue  # a capitalised first word that never appears inside a sentence
                if (
                    re.match(r"^\s+[a-z]", text[e : e + 3])
                    and re.search(r"(?:ian|ean|ese|ish|ic|i)$", name)
                    and " " not in name
                ):
                    continue  # an adjective: "Ivorian troops"
                key = fold_str(name).lower()
                cls, why = _guess(ctx, name, s, e, sent.start, sent.end)
                if cls is None:
                    unsure.setdefault(name, ctx.passage(sent.start, sent.end))
                    continue
                if key not in found:
                    found[key] = Candidate(name, s, e, cls, why)
    # a single word that is the last word of a candidate person is the same person
    persons = [c for c in found.values() if c.type == "Person" and " " in c.name]
    for key in list(found):
        c = found[key]
        if " " not in c.name and any(p.name.split()[-1] == c.name for p in persons):
            del found[key]
    for name in list(unsure):
        if any(name in c.name for c in found.values()):
            del unsure[name]
    notes = [
        f"capitalised name with no type guess, not declared: {name!r} in: {where}" for name, where in unsure.items()
    ]
    return sorted(found.values(), key=lambda c: c.start), notes


def declare_candidates(ctx: Context, candidates: list[Candidate]) -> None:
    """Declare the candidates as new entities and add their mentions to the context."""
    text = ctx.text
    for c in candidates:
        aliases: list[str] = []
        if c.type == "Person" and " " in c.name:
            surname = c.name.split()[-1]
            if len(re.findall(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", text)) > 1:
                aliases.append(surname)
        acronym = re.match(r"^\s*\((?P<a>[A-Z]{2,8})\)", text[c.end : c.end + 12])
        if acronym:
            aliases.append(acronym["a"])
        eid = ctx.unique_id(slugify(c.name))
        ctx.add(
            NewEntity(
                eid,
                c.type or "Organisation",
                c.name,
                aliases=aliases,
                start=c.start,
                kind="name",
                notes=[f"a new name, {c.type} by {c.why}"],
            )
        )
    names = {e.id: (e.label, *e.aliases) for e in ctx.new_entities.values() if e.kind == "name"}
    if not names:
        return
    taken = bytearray(len(text))
    for m in ctx.mentions:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    extra = [m for m in find_mentions_folded(text, names, ctx.folded) if not any(taken[m.start : m.end])]
    ctx.mentions = sorted([*ctx.mentions, *extra], key=lambda m: m.start)

"""Statements: one per quotation and per reported-speech clause, with the speaker the text's cues name.

A quotation's speaker comes first from :func:`kg.extract.find_quotations` (the cues "..., said X",
"X said that '...'", "he added"); where it finds none, the cue's subject is read here: a name, a role
("said the minister", "Minusma's head" -> whoever holds that position), a pronoun (the nearest person or
body before it), or a body ("the statement ... read" -> whoever issued the statement, "the mission").
Reported speech ("X said that ...", "..., said X", "the mission added that ...") gives a statement with a
paraphrase. Parts said by the same speaker in consecutive sentences of one paragraph make one statement,
as the curated files write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..extract import Mention, find_quotations
from .known import AGENT_TYPES, ORG_TYPES, folded_key
from .model import Context, DraftFact, NewEntity
from .positions import org_in_phrase, position_for, role_key
from .text import STOPWORDS, fold_str, is_heading, normalise, slugify

SAY = (
    r"said|says|say|added|adds|noted|notes|stated|states|told|tells|stressed|stresses|underlined|underlines|"
    r"declared|declares|explained|explains|confirmed|confirms|announced|announces|argued|argue|argues|warned|"
    r"warns|insisted|insists|claimed|claims|reiterated|reiterates|emphasi[sz]ed|emphasi[sz]es|indicated|"
    r"recalled|affirmed|maintained|admitted|acknowledged|denied|wrote|writes|read|reads|believes|believe|fear|"
    r"fears|feared|called|deemed|described|continued|announcing|saying|adding|noting|stressing|warning|insisting|"
    r"arguing|stating|declaring|explaining|confirming|replied|responded|asserted|concluded|observed|remarked|"
    r"commented|pointed out|went on"
)
_SAY = re.compile(r"\b(?:" + SAY + r")\b")
#: verbs that introduce reported speech without quotation marks
REPORT = (
    r"said|says|added|adds|noted|stated|states|told|stressed|underlined|declared|explained|confirmed|announced|"
    r"argued|argue|argues|warned|insisted|claimed|reiterated|emphasi[sz]ed|indicated|recalled|affirmed|"
    r"maintained|admitted|acknowledged|believes|fear|fears|announcing|saying|adding|noting|stressing|warning|"
    r"insisting|arguing|stating|declaring|explaining|confirming|asserted|concluded|pointed out"
)
_CLAUSE_START = re.compile(
    r"^(?:he|she|it|they|his|her|its|their|the|a|an|there|this|these|those|that|we|our|mali|[A-Z][\w\u2019'-]+)\b"
)
_PRONOUN = re.compile(r"^(?:he|she|they|it)$", re.IGNORECASE)


@dataclass
class Part:
    """One quotation or reported clause, with its speaker and the span of its evidence."""

    speaker: str
    start: int  # evidence
    end: int
    paragraph: int
    first_sentence: int
    last_sentence: int
    quotes: list[tuple[int, int]] = field(default_factory=list)  # spans of quoted words
    paraphrase: list[str] = field(default_factory=list)
    clause: tuple[int, int] | None = None
    cue: str = ""
    addressed: str | None = None
    speaker_surface: str = ""
    accuses: str | None = None


def _persons(ctx: Context) -> dict[str, list[str]]:
    """Every person's names, with the surfaces the folded matching found (so that exact matching finds them too)."""
    names: dict[str, list[str]] = {}
    for e in ctx.knowledge.entities.values():
        if e.type == "Person":
            names[e.id] = [e.label, *e.aliases]
    for new in ctx.new_entities.values():
        if new.type == "Person":
            names[new.id] = [new.label, *new.aliases]
    for m in ctx.mentions:
        if ctx.type_of(m.entity) == "Person":
            names.setdefault(m.entity, []).append(normalise(m.surface))
    return names


def _last(ctx: Context, before: int, types: frozenset[str], skip_possessive: bool = True) -> str | None:
    for m in reversed(ctx.mentions_before(before)):
        if ctx.type_of(m.entity) in types and not (skip_possessive and ctx.possessive(m)):
            return m.entity
    return None


def _holder(ctx: Context, role: str, org: str | None, before: int) -> str | None:
    """Who holds the role (in ``org``): the holder mentioned last before ``before``, or the only one known.

    Holders of exactly the role come first; "the minister" then falls back to any kind of minister.
    """
    head = role.split()[-1]
    for exact in (True, False):
        candidates = []
        for person, positions in ctx.held.items():
            for r, o in positions.values():
                if r and (r == role if exact else r.split()[-1] == head) and (org is None or o is None or o == org):
                    candidates.append(person)
                    break
        if not candidates:
            continue
        for m in reversed(ctx.mentions_before(before)):
            if m.entity in candidates:
                return m.entity
        if len(set(candidates)) == 1:
            return candidates[0]
    return None


def _statement_issuer(ctx: Context, before: int) -> str | None:
    text = ctx.text[:before]
    found = list(re.finditer(r"\b(?:issued|released|published|put out)\s+(?:a|an|its)\s+(?:\w+\s+)?statement", text))
    if found:
        m = found[-1]
        s_start, _ = ctx.sentence_span(m.start())
        agents = [
            x
            for x in ctx.mentions_in(s_start, m.start())
            if ctx.type_of(x.entity) in AGENT_TYPES and not ctx.possessive(x)
        ]
        if agents:
            return agents[-1].entity
    m2 = list(re.finditer(r"\bstatement\s+(?:from|by)\s+", text))
    if m2:
        after = [x for x in ctx.mentions if x.start >= m2[-1].end() and ctx.type_of(x.entity) in AGENT_TYPES]
        if after:
            return after[0].entity
    return _last(ctx, before, ORG_TYPES)


def _np_start(ctx: Context, start: int, end: int) -> int:
    """Where the noun phrase of a subject starts: after a leading adverbial ("In January, the spokesman")."""
    phrase = ctx.text[start:end]
    commas = [m.end() for m in re.finditer(r",\s+", phrase)]
    return start + commas[-1] if commas and len(phrase[commas[-1] :].split()) >= 2 else start


def _unnamed(ctx: Context, start: int, end: int, role: str) -> tuple[str, list[DraftFact]]:
    """A person the text names only by role ("the UN chief's spokesman"): a new unnamed Person and their position."""
    start = _np_start(ctx, start, end)
    phrase = re.sub(r"^(?:the|a|an)\s+", "", normalise(ctx.text[start:end]), flags=re.IGNORECASE)
    for e in ctx.new_entities.values():
        if e.kind == "unnamed" and folded_key(e.aliases[0]) == folded_key(phrase):
            return e.id, []
    pid = ctx.unique_id(slugify(phrase))
    ctx.add(
        NewEntity(
            pid,
            "Person",
            f"{phrase[:1].upper()}{phrase[1:]} (unnamed)",
            aliases=[phrase],
            comment="The article does not name this person.",
            start=start,
            kind="unnamed",
            notes=["a speaker named only by role"],
        )
    )
    org = org_in_phrase(ctx, start, end, role)
    ctx.mentions.append(Mention(pid, ctx.text[start:end], start, end))
    ctx.mentions.sort(key=lambda m: m.start)
    pos, facts, _ = position_for(ctx, role, org, phrase, start, end, "named in the role phrase")
    ctx.held.setdefault(pid, {})[pos] = (role, org)
    facts.append(
        DraftFact(
            pid,
            [ctx.passage(start, end)],
            {"holdsPosition": [pos]},
            "position",
            start,
            end,
            notes=["an unnamed holder of the position"],
            extra={"role": role},
        )
    )
    return pid, facts


_GROUP = re.compile(
    r"(?i)^(?:(?:some|many|several|other|most|the|a number of|a group of)\s+)?(?P<np>(?:[\w\u2019'-]+\s+){0,2}"
    r"(?:experts|officials|analysts|diplomats|observers|sources|witnesses|residents|critics|activists|governments|"
    r"leaders|observers|researchers|investigators|lawmakers|protesters|protestors))$"
)


def _group(ctx: Context, start: int, end: int) -> str | None:
    """Speakers named only as a group ("Some experts", "Western governments"): an unnamed group entity."""
    start = _np_start(ctx, start, end)
    m = _GROUP.match(normalise(ctx.text[start:end]).strip(" ,"))
    if not m:
        return None
    np = m["np"]
    for e in ctx.new_entities.values():
        if e.kind == "group" and folded_key(e.label) == folded_key(np):
            return e.id
    gid = ctx.unique_id(slugify(np))
    ctx.add(
        NewEntity(
            gid,
            "Organisation",
            np[:1].upper() + np[1:],
            aliases=[np],
            start=start,
            kind="group",
            comment="Speakers the article names only as a group.",
            notes=["a group of speakers, unnamed"],
        )
    )
    return gid


def _government_of(ctx: Context, start: int, end: int) -> str | None:
    """ "Mali's government", "the government of Mali", "the Malian government" -> the Government entity of Mali."""
    phrase = ctx.text[start:end]
    m = re.search(r"(?i)\b(?:government|authorities|cabinet)\b", phrase)
    if not m:
        return None
    places = [x for x in ctx.mentions if start <= x.start < end + 20 and ctx.type_of(x.entity) == "Country"]
    for x in places:
        target = f"Government of {ctx.label_of(x.entity)}"
        for e in ctx.knowledge.entities.values():
            if e.type == "Government" and folded_key(e.label) == folded_key(target):
                return e.id
    return None


def _subject_of(ctx: Context, sentence: int, anchor: int) -> str | None:
    """The agent a sentence starts with (its likely subject), for "they" and "it" in the next one."""
    s = ctx.sents[sentence]
    words = list(re.finditer(r"\S+", ctx.text[s.start : s.end]))[:8]
    if not words:
        return None
    end = s.start + words[-1].end()
    gov = _government_of(ctx, s.start, end)
    if gov:
        return gov
    agents = [
        m
        for m in ctx.mentions_in(s.start, end)
        if ctx.type_of(m.entity) in AGENT_TYPES - {"Person"} and not ctx.possessive(m)
    ]
    return agents[0].entity if agents else None


def resolve_subject(
    ctx: Context, start: int, end: int, anchor: int, closest: str
) -> tuple[str | None, str, list[DraftFact]]:
    """The speaker a cue's subject phrase names: (entity id, how, facts for a new unnamed speaker)."""
    phrase = ctx.text[start:end]
    low = normalise(phrase).lower().strip(" ,")
    mentioned = [m for m in ctx.mentions_in(start, end) if not ctx.possessive(m)]
    persons = [m for m in mentioned if ctx.type_of(m.entity) == "Person"]
    if persons:
        return (persons[-1] if closest == "end" else persons[0]).entity, "named", []
    words = low.split()
    last_word = words[-1] if words else ""
    if _PRONOUN.match(last_word) or (words and _PRONOUN.match(words[0])):
        pronoun = last_word if _PRONOUN.match(last_word) else words[0]
        if pronoun in ("he", "she"):
            return _last(ctx, anchor, frozenset({"Person"})), f"the pronoun {pronoun!r}", []
        i = ctx.sentence_index(start)
        previous = _subject_of(ctx, i - 1, anchor) if i > 0 else None
        if previous:
            return previous, f"the pronoun {pronoun!r}: the subject of the sentence before", []
        return _last(ctx, anchor, AGENT_TYPES - {"Person"}), f"the pronoun {pronoun!r}", []
    role = role_key(phrase) if re.search(r"(?i)\b(?:the|a|an|its|[\w]+['\u2019]s)\b", phrase) or not mentioned else None
    if role:
        org = org_in_phrase(ctx, _np_start(ctx, start, end), end, role)
        holder = _holder(ctx, role, org, anchor)
        if holder:
            return holder, f"the holder of the role {role!r}", []
        if not mentioned or all(ctx.type_of(m.entity) in AGENT_TYPES for m in mentioned):
            pid, facts = _unnamed(ctx, start, end, role)
            return pid, f"an unnamed {role}", facts
    gov = _government_of(ctx, _np_start(ctx, start, end), end)
    if gov:
        return gov, "the country's government", []
    agents = [m for m in mentioned if ctx.type_of(m.entity) in AGENT_TYPES]
    if closest == "end":  # "While the UN did not say ..., many Western officials": the phrase after the last comma
        np = _np_start(ctx, start, end)
        if np > start:
            near = [m for m in agents if m.start >= np]
            if near:
                return near[-1].entity, "named", []
            if _group(ctx, np, end):
                return _group(ctx, np, end), "a group named by the text", []
    if agents:
        return (agents[-1] if closest == "end" else agents[0]).entity, "named", []
    if re.search(r"\bstatement|communiqu", low):
        return _statement_issuer(ctx, anchor), "whoever issued the statement", []
    if re.search(r"\bmission\b", low):
        missions = [m.entity for m in ctx.mentions if ctx.type_of(m.entity) == "Mission"]
        if missions:
            return max(set(missions), key=missions.count), "the mission", []
    if re.search(r"\b(?:ministry|government|authorities|junta|council)\b", low):
        return _last(ctx, anchor, frozenset({"Government"})), "the nearest government body", []
    group = _group(ctx, start, end)
    if group:
        return group, "a group named by the text", []
    return None, "", []


def _quote_parts(ctx: Context, notes: list[str], facts_out: list[DraftFact]) -> list[Part]:
    parts: list[Part] = []
    quotes = find_quotations(ctx.text, _persons(ctx))
    unclosed = _unclosed_openings(ctx.text)
    previous: Part | None = None
    for q in quotes:
        if ctx.in_skip(q.start):
            continue
        open_at = q.start - 1 if q.start > 0 and ctx.text[q.start - 1] in '“"' else q.start
        i0 = ctx.sentence_index(open_at)
        i1 = ctx.sentence_index(q.end)
        speaker, cue = q.speaker, q.cue
        surface = ""
        if speaker is None:
            speaker, cue, new_facts = _fallback(ctx, q.start, q.end, open_at)
            facts_out.extend(new_facts)
        if (
            speaker is None
            and previous is not None
            and previous.last_sentence >= i0 - 0
            and ctx.sents[i0].paragraph == previous.paragraph
            and previous.last_sentence == i1
        ):
            speaker, cue = previous.speaker, "same sentence"
        words = q.text.split()
        where = normalise(ctx.text[ctx.sents[i0].start : ctx.sents[i1].end])
        if speaker is None:
            notes.append(f"quotation with no speaker found: “{normalise(q.text)}” in: {where}")
            continue
        if len(words) < 2:
            notes.append(f"a one-word quotation (a scare quote?) by {speaker}: “{normalise(q.text)}” in: {where}")
            continue
        extra_spans = []
        for seg_start, seg_end, next_open in unclosed:
            if next_open == open_at:  # a quotation carried over from the paragraph before
                extra_spans.append((seg_start, seg_end))
                i0 = ctx.sentence_index(seg_start - 1)
        start = ctx.sents[i0].start
        end = ctx.sents[i1].end
        addressed = _addressed(ctx, ctx.sents[i0].start, ctx.sents[i1].end)
        part = Part(
            speaker,
            start,
            end,
            ctx.sents[i0].paragraph,
            i0,
            i1,
            quotes=[*extra_spans, (q.start, q.start + len(q.text.rstrip(" ,")))],
            cue=cue,
            addressed=addressed,
            speaker_surface=surface,
        )
        # quote text as find_quotations strips it: its own offsets
        qs = ctx.text.find(q.text, q.start)
        part.quotes[-1] = (qs, qs + len(q.text)) if qs >= 0 else part.quotes[-1]
        if (
            previous is not None
            and previous.speaker == speaker
            and previous.last_sentence == i1
            and previous.first_sentence == i0
        ):
            previous.quotes.extend(part.quotes)
            continue
        parts.append(part)
        previous = part
    return parts


def _unclosed_openings(text: str) -> list[tuple[int, int, int]]:
    """(start, end, next opening) of quotations that run to the end of a paragraph and go on in the next one."""
    out = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    for (s, e), nxt in pairwise(lines):
        line = text[s:e]
        opens = [i for i, ch in enumerate(line) if ch == "“" or (ch == '"' and (i == 0 or not line[i - 1].isalnum()))]
        closes = [
            i
            for i, ch in enumerate(line)
            if ch == "”" or (ch == '"' and (i + 1 == len(line) or not line[i + 1].isalnum()))
        ]
        if not opens:
            continue
        last_open = opens[-1]
        if any(c > last_open for c in closes if not (line[c] == '"' and c == last_open)):
            continue
        following = text[nxt[0] : nxt[1]].lstrip()
        if following[:1] in ("“", '"'):
            seg_start = s + last_open + 1
            out.append((seg_start, s + len(line.rstrip()), nxt[0] + (len(text[nxt[0] : nxt[1]]) - len(following))))
    return out


def _fallback(ctx: Context, q_start: int, q_end: int, open_at: int) -> tuple[str | None, str, list[DraftFact]]:
    """The speaker of a quotation that find_quotations leaves without one, from the cue's subject."""
    _, s_end = ctx.sentence_span(q_end)
    after_start = q_end + 1
    after = ctx.text[after_start:s_end]
    m = re.match(r"^[\s,\u201d\"\u2019]*(?P<verb>" + SAY + r")\s+(?P<subj>[^,.;\u201c\u201d\"]{1,100})", after)
    if m:
        who = resolve_subject(ctx, after_start + m.start("subj"), after_start + m.end("subj"), q_start, "start")
        if who[0]:
            return who[0], "after: " + who[1], who[2]
    m = re.match(r"^[\s,\u201d\"\u2019]*(?P<subj>[^\u201c\u201d\".;]{1,100}?)\s+(?P<verb>" + SAY + r")\b", after)
    if m:
        who = resolve_subject(ctx, after_start + m.start("subj"), after_start + m.end("subj"), q_start, "end")
        if who[0]:
            return who[0], "after: " + who[1], who[2]
    s_start, _ = ctx.sentence_span(open_at)
    clause = ctx.text[s_start:open_at]
    verbs = list(_SAY.finditer(clause))
    if verbs:
        v = verbs[-1]
        subj_start = s_start
        for sep in re.finditer(r"[;:]\s", clause[: v.start()]):
            subj_start = s_start + sep.end()
        who = resolve_subject(ctx, subj_start, s_start + v.start(), q_start, "end")
        if who[0]:
            return who[0], "before: " + who[1], who[2]
    return None, "none", []


def _addressed(ctx: Context, start: int, end: int) -> str | None:
    m = re.search(r"\b(?:told|addressing|addressed|wrote to)\s+(?:a|an|the)?\s*", ctx.text[start:end], re.IGNORECASE)
    if not m:
        return None
    after = [x for x in ctx.mentions_in(start + m.end(), end) if x.start <= start + m.end() + 3]
    if after and ctx.type_of(after[0].entity) in AGENT_TYPES - {"Person"}:
        return after[0].entity
    return None


def _reported_parts(ctx: Context, quote_parts: list[Part], facts_out: list[DraftFact]) -> list[Part]:
    parts: list[Part] = []
    by_sentence: dict[int, list[Part]] = {}
    for p in quote_parts:
        for i in range(p.first_sentence, p.last_sentence + 1):
            by_sentence.setdefault(i, []).append(p)
    for i, s in enumerate(ctx.sents):
        if ctx.in_skip(s.start):
            continue
        sentence = ctx.text[s.start : s.end]
        if is_heading(sentence):
            continue
        found = _reported_cue(sentence)
        if found is None:
            continue
        clause_span, subject_span, how, target = found
        c_start, c_end = s.start + clause_span[0], s.start + clause_span[1]
        clause = normalise(ctx.text[c_start:c_end]).strip(" ,.")
        clause = re.sub(r",\s+[^,]*\b(?:reported|said|added|according to [^,]*)$", "", clause)
        quoted_here = by_sentence.get(i, [])
        if quoted_here:
            # "He added that the mission's actions created “a feeling of distrust”": the quote's statement gets the
            # reported clause as its paraphrase
            for p in quoted_here:
                inside = [(a, b) for a, b in p.quotes if c_start <= a and b <= c_end]
                if not inside or p.paraphrase:
                    continue
                quoted_words = sum(len(ctx.text[a:b].split()) for a, b in inside)
                if quoted_words > 0.5 * len(clause.split()):
                    before = normalise(ctx.text[c_start : inside[0][0]]).strip(' ,“”"')
                    if len(before.split()) >= 4:
                        p.paraphrase.append(before)
                else:
                    p.paraphrase.append(re.sub(r"[“”\"]", "", clause))
                p.clause = (c_start, c_end)
            continue
        if re.search(r"[“”\"]", sentence):
            continue
        speaker, who, new_facts = resolve_subject(
            ctx,
            s.start + subject_span[0],
            s.start + subject_span[1],
            s.start + subject_span[0],
            "start" if how == "after" else "end",
        )
        if speaker is None or ctx.type_of(speaker) not in AGENT_TYPES:
            continue
        facts_out.extend(new_facts)
        if len(clause.split()) < 3:
            continue
        part = Part(
            speaker,
            s.start,
            s.end,
            s.paragraph,
            i,
            i,
            paraphrase=[clause],
            clause=(c_start, c_end),
            cue=f"reported: {who}",
            addressed=_addressed(ctx, s.start, s.end),
        )
        if target:
            accused = [
                m
                for m in ctx.mentions_in(c_start, c_end)
                if ctx.type_of(m.entity) in AGENT_TYPES and m.entity != speaker and not ctx.possessive(m)
            ]
            if accused:
                part.accuses = accused[0].entity
        parts.append(part)
    return parts


_ACCUSE = r"criticized|criticised|accused|accuse|accuses|denounced|condemned|blamed|pointed the finger at"


def _reported_cue(sentence: str) -> tuple[tuple[int, int], tuple[int, int], str, bool] | None:
    """(clause span, subject span, form, accusation?) for "X said that ...", "..., said X.", "X accused Y of ..."."""
    m = re.search(r",\s+(?:said|says|according to)\s+(?P<subj>[^,;]{2,120}?)\s*[.!]?$", sentence)
    if m and len(sentence[: m.start()].split()) >= 6:
        return (0, m.start()), (m.start("subj"), m.end("subj")), "after", False
    for v in re.finditer(
        r"\b(?:" + REPORT + "|" + _ACCUSE + r"|pointed to|(?:are|is|were|was) (?:worried|concerned))\b", sentence
    ):
        subject = re.sub(
            r"\s+(?:has|have|had|also|recently|repeatedly|\w+ly)(?:\s+(?:has|have|had|also|recently))*\s*$",
            "",
            sentence[: v.start()],
        )
        if not subject.strip() or len(subject.split()) > 25:
            continue
        verb = v.group(0)
        rest = sentence[v.end() :]
        if re.fullmatch(_ACCUSE, verb) or verb == "pointed to" or " worried" in verb or " concerned" in verb:
            start = v.start() if (" worried" in verb or " concerned" in verb) else v.end()
            start += len(sentence[start:]) - len(sentence[start:].lstrip())
            if len(sentence[start:].split()) >= 4:
                accuse = bool(re.fullmatch(_ACCUSE, verb))
                return (start, len(sentence)), (0, len(subject)), "object", accuse
            break
        that = re.match(r"^(?P<mid>(?:[^.;]{0,90}?))\bthat\s+", rest)
        if that and len(that["mid"].split()) <= 10 and not re.search(r"\b(?:" + REPORT + r")\b", that["mid"]):
            return (v.end() + that.end(), len(sentence)), (0, v.start()), "that", False
        bare = re.match(r"^,?\s+", rest)
        if verb in ("said", "says", "saying", "believes", "fear", "fears", "argue", "argues") and bare:
            clause = rest[bare.end() :]
            if _CLAUSE_START.match(clause) and len(clause.split()) >= 4:
                return (v.end() + bare.end(), len(sentence)), (0, v.start()), "bare", False
        break
    return None


def _merge(parts: list[Part]) -> list[list[Part]]:
    groups: list[list[Part]] = []
    for p in sorted(parts, key=lambda p: p.start):
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.speaker == p.speaker
            and last.paragraph == p.paragraph
            and p.first_sentence <= last.last_sentence + 1
        ):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _existing_statement(ctx: Context, speaker: str, quotes: list[str]) -> str | None:
    """A statement another article already has with the same words and speaker."""
    mine = [folded_key(q).strip(" .,") for q in quotes]
    for sid, quote, speakers, _article in ctx.knowledge.statement_quotes():
        theirs = folded_key(quote).strip(" .,")
        if speaker in speakers and any(
            q == theirs or (len(q.split()) >= 5 and (q in theirs or theirs in q)) for q in mine
        ):
            return sid
    return None


def _statement_id(ctx: Context, speaker: str, words: str) -> str:
    new = ctx.new_entities.get(speaker)
    if ctx.type_of(speaker) == "Person" and (new is None or new.kind == "name"):
        surname = ctx.label_of(speaker).split()
        base = slugify(surname[-1] if surname else speaker)
    else:
        base = "-".join(speaker.split("-")[:3])
    key = [w for w in re.findall(r"[a-z0-9]+", fold_str(words).lower()) if w not in STOPWORDS and len(w) > 2][:3]
    return ctx.unique_id(slugify("-".join([base, *key])))


def draft_statements(ctx: Context) -> tuple[list[DraftFact], list[str]]:
    """Statement entities and their facts, plus comments for quotations no speaker could be found for."""
    notes: list[str] = []
    extra_facts: list[DraftFact] = []
    quote_parts = _quote_parts(ctx, notes, extra_facts)
    reported = _reported_parts(ctx, quote_parts, extra_facts)
    facts: list[DraftFact] = []
    seen: set[tuple[str, str]] = set()
    for group in _merge([*quote_parts, *reported]):
        speaker = group[0].speaker
        passage = ctx.passage(min(p.start for p in group), max(p.end for p in group))
        if (speaker, passage) in seen:
            notes.append(f"the same passage again, not drafted twice: {passage}")
            continue
        seen.add((speaker, passage))
        start, end = min(p.start for p in group), max(p.end for p in group)
        quotes = [normalise(ctx.text[a:b]).strip(" ,") for p in group for a, b in p.quotes]
        quotes = [q for q in quotes if q]
        paraphrase = [x for p in group for x in p.paraphrase]
        existing = _existing_statement(ctx, speaker, quotes) if quotes else None
        notes_here = [f"speaker {speaker}: " + "; ".join(dict.fromkeys(p.cue for p in group))]
        if existing:
            sid = existing
            notes_here.append(f"the same words as {existing}, which another article already has: the same statement?")
        else:
            summary = quotes[0] if quotes else paraphrase[0]
            sid = _statement_id(ctx, speaker, summary)
            words = summary.split()
            short = " ".join(words[:9]) + ("…" if len(words) > 9 else "")
            label = f"{ctx.label_of(speaker)}: " + (f"“{short}”" if quotes else short)
            ctx.add(NewEntity(sid, "Statement", label, start=start, kind="statement"))
        values: dict[str, list[Any]] = {"speaker": [speaker]}
        roles = list(ctx.held.get(speaker, {}))
        if len(roles) == 1:
            values["speakerRole"] = roles
        addressed = next((p.addressed for p in group if p.addressed), None)
        if addressed and addressed != speaker:
            values["addressedTo"] = [addressed]
        accused = [p.accuses for p in group if p.accuses]
        if accused:
            values["accuses"] = list(dict.fromkeys(accused))
        if quotes:
            values["quote"] = quotes
        if paraphrase:
            values["paraphrase"] = ["; ".join(paraphrase)] if len(paraphrase) > 1 else paraphrase
        inside = [span for p in group for span in p.quotes] + [p.clause for p in group if p.clause]
        facts.append(
            DraftFact(
                sid,
                [ctx.passage(start, end)],
                values,
                "statement",
                start,
                end,
                notes=notes_here,
                extra={"inside": inside, "cues": [p.cue for p in group]},
            )
        )
    return [*extra_facts, *facts], notes

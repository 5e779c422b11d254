"""Every evidence passage is anchored in its article's text as a W3C Web Annotation target: a TextQuoteSelector
(exact, prefix, suffix) and a TextPositionSelector (start, end) whose offsets cut exactly the quoted text."""

from __future__ import annotations

from minusma_kg.kg.assemble import anchor_problems, article_iri, find_passage, short_id
from minusma_kg.kg.extract import normalise
from minusma_kg.kg.namespaces import MKG, OA, article_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF


def test_every_passage_has_a_target_whose_offsets_cut_exactly_its_quote(dataset, articles):
    checked = 0
    for a in articles:
        g = dataset.graph(article_graph(short_id(a)))
        for ev in g.subjects(RDF.type, MKG.Evidence):
            targets = sorted(g.objects(ev, OA.hasTarget), key=lambda t: int(str(t).rsplit("-", 1)[1]))
            passages = str(g.value(ev, MKG.evidenceText)).split(" … ")
            assert len(targets) == len(passages), ev
            for target, passage in zip(targets, passages, strict=True):
                assert g.value(target, OA.hasSource) == article_iri(a)
                (quote,) = [s for s in g.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in g]
                (pos,) = [s for s in g.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in g]
                start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
                exact = str(g.value(quote, OA.exact))
                assert a.text[start:end] == exact and normalise(exact) == passage
                assert a.text[:start].endswith(str(g.value(quote, OA.prefix)))
                assert a.text[end:].startswith(str(g.value(quote, OA.suffix)))
                checked += 1
        assert anchor_problems(g, a.text, article_iri(a)) == []
    assert checked == sum(len(f.evidence) for a in articles for f in a.facts) > 100


def test_a_passage_across_a_line_break_is_found_with_its_raw_offsets():
    text = "Intro. The Council decided\n  to end the mission. More."
    start, end = find_passage(text, "decided to end")
    assert text[start:end] == "decided\n  to end"
    assert find_passage(text, "not there") is None


def test_the_build_check_refuses_offsets_that_cut_other_text():
    text = "The UN Security Council decided on Friday to end the mission."
    source, target = URIRef("urn:x:article"), URIRef("urn:x:target")
    quote, pos = URIRef("urn:x:quote"), URIRef("urn:x:pos")
    g = Graph()
    g.add((target, OA.hasSource, source))
    for s, cls in ((quote, OA.TextQuoteSelector), (pos, OA.TextPositionSelector)):
        g.add((target, OA.hasSelector, s))
        g.add((s, RDF.type, cls))
    g.add((quote, OA.exact, Literal("decided on Friday")))
    g.add((pos, OA.start, Literal(24)))
    g.add((pos, OA.end, Literal(41)))
    assert anchor_problems(g, text, source) == []
    g.set((pos, OA.start, Literal(25)))
    (problem,) = anchor_problems(g, text, source)
    assert "do not cut the quoted text" in problem

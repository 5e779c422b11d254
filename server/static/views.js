/* Three more views of an answer, chosen by a query's `# view:` header as the table and the timeline are:
 *
 *  - chart: a bar per row for counting questions (the label and the number are picked by datatype);
 *  - graph: the triples of a CONSTRUCT as nodes and labelled edges (d3-force, laid out once, then still);
 *  - map:   places with coordinates on Natural Earth outlines of Mali and its neighbours (d3-geo, world-atlas).
 *
 * Everything is SVG built with attributes (no inline style, no injected <style>), so the page's CSP holds, and
 * d3, topojson-client and the outlines come from this server (/vendor/views/), loaded on the first graph or map.
 * app.js owns the page; it passes its helpers to `window.minusmaViews.define` and wraps each class as a YASR plugin.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger|unsignedInt)$/;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  function isNumber(term) {
    return !!term && term.type !== "uri" && NUMERIC.test(term.datatype || "") && !Number.isNaN(Number(term.value));
  }

  let library = null;
  /** d3 and topojson-client from this server, once (the chart needs neither). */
  function loadLibrary() {
    if (!library) {
      library = ["d3.min.js", "topojson-client.min.js"].reduce((previous, name) => previous.then(() =>
        new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = "/vendor/views/" + name;
          script.addEventListener("load", resolve);
          script.addEventListener("error", () => reject(new Error("could not load " + name)));
          document.head.append(script);
        })), Promise.resolve());
    }
    return library;
  }

  /**
   * A still node-link picture of a small graph: d3-force lays it out once (the same picture on every draw), d3-zoom
   * pans and zooms it. model = { nodes: [{ id, name, literal, term, href, focus }], edges: [{ source, target, predicate,
   * label }] }; a node's data-term and an edge's data-predicate say what it stands for. Needs d3 (loadLibrary).
   */
  function drawGraph(model) {
    const d3 = window.d3;
    const nodes = model.nodes.map((n) => Object.assign({}, n));
    const links = model.edges.map((e) => Object.assign({}, e));
    const width = 900;
    const height = Math.max(420, Math.min(900, 120 + nodes.length * 22));
    nodes.forEach((n) => {
      const room = n.literal ? 28 : 36;
      n.short = n.name.length > room ? n.name.slice(0, room - 1) + "…" : n.name;
      n.half = 8 + n.short.length * 4.2; // about half the width of its label, to keep labels apart
      if (n.focus) [n.fx, n.fy] = [width / 2, height / 2]; // a resource page's own resource stays in the middle
    });
    const simulation = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id((n) => n.id).distance(100))
      .force("charge", d3.forceManyBody().strength(-500))
      .force("collide", d3.forceCollide((n) => 0.7 * n.half).strength(0.9))
      .force("x", d3.forceX(width / 2).strength(0.04))
      .force("y", d3.forceY(height / 2).strength(0.06))
      .stop();
    for (let i = 0; i < 400; i++) simulation.tick();
    const left = Math.min(...nodes.map((n) => n.x - n.half)) - 10;
    const right = Math.max(...nodes.map((n) => n.x + n.half)) + 10;
    const top = Math.min(...nodes.map((n) => n.y)) - 40;
    const bottom = Math.max(...nodes.map((n) => n.y)) + 30;
    const picture = svg("svg", { viewBox: [left, top, right - left, bottom - top].join(" "), class: "node-link", role: "group",
      "aria-label": "A graph of " + nodes.length + " nodes and " + links.length + " edges; the list below reads them out" });
    picture.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 22, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }))));
    const layer = svg("g", {});
    picture.append(layer);
    links.forEach((e) => {
      const mid = [(e.source.x + e.target.x) / 2, (e.source.y + e.target.y) / 2];
      const edge = svg("g", { class: "edge" },
        svg("line", { x1: e.source.x, y1: e.source.y, x2: e.target.x, y2: e.target.y, "marker-end": "url(#arrow)" }),
        svg("text", { x: mid[0], y: mid[1] - 4, "text-anchor": "middle", class: "edge-label" }, e.label));
      edge.dataset.predicate = e.predicate;
      layer.append(edge);
    });
    nodes.forEach((n) => {
      const half = 8 + n.short.length * 3.9;
      const shape = n.literal ? svg("rect", { x: -half, y: -14, width: 2 * half, height: 28, rx: 4 }) : svg("circle", { r: n.focus ? 16 : 11 });
      const text = svg("text", { y: n.literal ? 5 : n.focus ? -22 : -17, "text-anchor": "middle" }, n.short);
      const group = svg("g", { class: n.literal ? "node literal" : n.focus ? "node focus" : "node", transform: "translate(" + n.x + "," + n.y + ")" },
        svg("title", {}, n.name + (n.literal ? "" : "\n" + n.id)), shape, n.href ? svg("a", { href: n.href }, text) : text);
      group.dataset.term = n.term;
      layer.append(group);
    });
    // drag to pan, Ctrl + wheel (or a pinch) to zoom, as the time axis: the wheel alone scrolls the page. d3-zoom
    // moves the picture with a transform attribute, which the CSP does not restrict
    const zoom = d3.zoom().scaleExtent([0.3, 4]).filter((event) => (event.type === "wheel" ? event.ctrlKey : !event.button));
    d3.select(picture).call(zoom.on("zoom", (event) => layer.setAttribute("transform", event.transform)));
    const list = el("ul", { class: "edge-list" }, ...links.map((e) => el("li", {}, e.source.name, " — ", e.label, " → ", e.target.name)));
    return el("div", { class: "graph-wrapper" }, picture,
      el("details", {}, el("summary", {}, "The same " + links.length + " edges as a list"), list));
  }

  function define(h) {
    const { href, shortIri, fetchLabels, bindingsOf, drawFresh } = h;
    const LABEL = h.PREFIXES.rdfs + "label";

    /** The English (else untagged, else any) value among literal terms, as the table's labels prefer. */
    function preferred(terms) {
      const lang = (t) => (t["xml:lang"] || "").toLowerCase();
      return (terms.find((t) => lang(t) === "en" || lang(t).startsWith("en-")) || terms.find((t) => !lang(t)) || terms[0] || {}).value;
    }

    /* ------------------------------------------------------------ chart: one bar per row */

    /** The columns a bar chart needs: every numeric one (to choose from), a label, and an IRI to link to. */
    function chartColumns(data) {
      const { vars, rows } = data;
      const bound = (v) => rows.filter((b) => b[v]);
      const numbers = vars.filter((v) => bound(v).length && bound(v).every((b) => isNumber(b[v])));
      const words = vars.filter((v) => !numbers.includes(v) && bound(v).some((b) => b[v].type === "literal" && !b[v].datatype?.includes("date")));
      const iris = vars.filter((v) => bound(v).some((b) => b[v].type === "uri"));
      return { numbers, label: words[0] || iris[0] || null, link: iris[0] || null };
    }

    class Chart {
      constructor(yasr) {
        this.yasr = yasr;
      }
      canHandleResults() {
        const data = bindingsOf(this.yasr);
        if (!data || !data.rows.length) return false;
        const { numbers, label } = chartColumns(data);
        return numbers.length > 0 && label !== null;
      }
      draw() {
        return drawFresh(this.yasr, () => this.build());
      }
      async build() {
        const data = bindingsOf(this.yasr);
        const { numbers, label, link } = chartColumns(data);
        const labels = await fetchLabels(link ? data.rows.filter((b) => b[link]).map((b) => b[link].value) : []);
        const figure = el("figure", { class: "bar-chart" });
        const picker = el("select", { "aria-label": "The number the bars show" }, ...numbers.map((v) => el("option", { value: v }, v)));
        const draw = (measure) => figure.replaceChildren(this.bars(data.rows, measure, label, link, labels), caption(measure));
        const caption = (measure) => {
          const text = el("figcaption", {}, "Bars: " + measure + " per " + label + " (" + data.rows.length + " rows). ");
          if (numbers.length > 1) text.append(el("label", {}, "Show ", picker));
          return text;
        };
        picker.addEventListener("change", () => draw(picker.value));
        draw(numbers[0]);
        return el("div", { class: "chart-wrapper" }, figure);
      }
      /** Horizontal bars (long labels stay readable), each with its value written at its end and a link. */
      bars(rows, measure, label, link, labels) {
        const values = rows.map((b) => (isNumber(b[measure]) ? Number(b[measure].value) : 0));
        const max = Math.max(1, ...values);
        const names = rows.map((b) => {
          const t = b[label];
          if (!t) return "(none)";
          return t.type === "uri" ? labels.get(t.value) || shortIri(t.value) : t.value;
        });
        const row = 28;
        const left = 24 + 8.4 * Math.max(...names.map((n) => Math.min(n.length, 36))); // room for the longest label
        const width = 760;
        const plot = width - left - 60;
        const chart = svg("svg", { viewBox: "0 0 " + width + " " + (rows.length * row + 10), class: "chart", role: "list",
          "aria-label": measure + " per " + label });
        rows.forEach((b, i) => {
          const y = i * row + 5;
          const w = Math.max(1, (values[i] / max) * plot);
          const name = names[i].length > 36 ? names[i].slice(0, 35) + "…" : names[i];
          const text = svg("text", { x: left - 8, y: y + row / 2 + 4, "text-anchor": "end", class: "bar-label" }, name);
          const target = link && b[link] ? svg("a", { href: href(b[link].value) }, text) : text;
          const bar = svg("g", { class: "bar", role: "listitem", "aria-label": names[i] + ": " + values[i] },
            svg("title", {}, names[i] + ": " + values[i] + " " + measure),
            target,
            svg("rect", { x: left, y: y + 3, width: w, height: row - 8, rx: 2 }),
            svg("text", { x: left + w + 6, y: y + row / 2 + 4, class: "bar-value" }, String(values[i])));
          bar.dataset.value = String(values[i]);
          chart.append(bar);
        });
        return chart;
      }
    }

    /* ------------------------------------------------------------ graph: nodes and labelled edges */

    /** Nodes and edges from subject/predicate/object rows: rdfs:label names its node instead of drawing an edge. */
    function graphOf(rows) {
      const nodes = new Map();
      const edges = [];
      const names = new Map();
      const node = (term, id) => {
        if (!nodes.has(id)) nodes.set(id, { id: id, term: term });
        return nodes.get(id);
      };
      rows.forEach((b, i) => {
        const { subject: s, predicate: p, object: o } = b;
        if (!s || !p || !o) return;
        node(s, s.value);
        if (p.value === LABEL && o.type === "literal") {
          names.set(s.value, [...(names.get(s.value) || []), o]);
          return;
        }
        const target = o.type === "literal" ? node(o, "literal:" + i) : node(o, o.value); // each literal its own box
        edges.push({ source: s.value, target: target.id, predicate: p.value });
      });
      return { nodes: [...nodes.values()], edges: edges, names: names };
    }

    class GraphView {
      constructor(yasr) {
        this.yasr = yasr;
      }
      canHandleResults() {
        const data = bindingsOf(this.yasr);
        return !!data && data.rows.length > 0 && ["subject", "predicate", "object"].every((v) => data.vars.includes(v));
      }
      draw() {
        return drawFresh(this.yasr, () => this.build());
      }
      async build() {
        const { rows } = bindingsOf(this.yasr);
        const { nodes, edges, names } = graphOf(rows);
        try {
          await loadLibrary();
        } catch (e) {
          return el("p", { class: "note" }, "The graph could not be drawn here; the table has every triple.");
        }
        const iris = [...new Set([...nodes.filter((n) => n.term.type === "uri").map((n) => n.id), ...edges.map((e) => e.predicate)])];
        const labels = await fetchLabels(iris);
        const nameOf = (n) => {
          if (n.term.type === "literal") return n.term.value;
          return preferred(names.get(n.id) || []) || labels.get(n.id) || (n.term.type === "uri" ? shortIri(n.id) : "_:" + n.id);
        };
        const model = {
          nodes: nodes.map((n) => ({
            id: n.id, name: nameOf(n), literal: n.term.type === "literal", term: n.term.type === "literal" ? n.term.value : n.id,
            href: n.term.type === "uri" ? href(n.id) : null,
          })),
          edges: edges.map((e) => ({ source: e.source, target: e.target, predicate: e.predicate, label: labels.get(e.predicate) || shortIri(e.predicate) })),
        };
        return drawGraph(model);
      }
    }

    /* ------------------------------------------------------------ map: places with coordinates, and their events */

    const LAT = /^(lat|latitude)$/i;
    const LONG = /^(long|lon|lng|longitude)$/i;

    /** Each place (the first IRI column) once, with its coordinates and the other columns' values of its rows. */
    function placesOf(data) {
      const { vars, rows } = data;
      const lat = vars.find((v) => LAT.test(v));
      const long = vars.find((v) => LONG.test(v));
      const place = vars.find((v) => rows.some((b) => b[v] && b[v].type === "uri"));
      const places = new Map();
      rows.forEach((b) => {
        if (!isNumber(b[lat]) || !isNumber(b[long])) return;
        const id = place && b[place] ? b[place].value : b[lat].value + "," + b[long].value;
        if (!places.has(id)) places.set(id, { id: id, iri: place && b[place] ? id : null, lat: Number(b[lat].value), long: Number(b[long].value), rows: [] });
        places.get(id).rows.push(b);
      });
      return { places: [...places.values()], lat: lat, long: long, place: place };
    }

    class MapView {
      constructor(yasr) {
        this.yasr = yasr;
      }
      canHandleResults() {
        const data = bindingsOf(this.yasr);
        return !!data && data.vars.some((v) => LAT.test(v)) && data.vars.some((v) => LONG.test(v)) && placesOf(data).places.length > 0;
      }
      draw() {
        return drawFresh(this.yasr, () => this.build());
      }
      async build() {
        const data = bindingsOf(this.yasr);
        const { places, lat, long, place } = placesOf(data);
        let world;
        try {
          await loadLibrary();
          const response = await fetch("/vendor/views/countries-50m.json");
          if (!response.ok) throw new Error("no outlines");
          world = await response.json();
        } catch (e) {
          return el("p", { class: "note" }, "The map could not be drawn here; the table has every coordinate.");
        }
        const iris = data.rows.flatMap((b) => data.vars.filter((v) => b[v] && b[v].type === "uri").map((v) => b[v].value));
        const labels = await fetchLabels([...new Set(iris)]);
        const d3 = window.d3;
        const countries = window.topojson.feature(world, world.objects.countries);
        const mali = countries.features.find((f) => f.properties.name === "Mali");
        const width = 900;
        const height = 620;
        // Mali and its neighbours fill the frame; a place beyond them widens it
        const frame = { type: "FeatureCollection", features: [mali,
          ...places.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: [p.long, p.lat] } }))].filter(Boolean) };
        const projection = d3.geoMercator().fitExtent([[60, 40], [width - 60, height - 40]], frame);
        const path = d3.geoPath(projection);
        const picture = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "place-map", role: "group",
          "aria-label": "A map of " + places.length + " places in and around Mali; the list below reads them out" });
        picture.append(svg("rect", { x: 0, y: 0, width: width, height: height, class: "sea" }));
        const land = svg("g", { class: "countries" });
        countries.features.forEach((f) => {
          const d = path(f);
          if (d) land.append(svg("path", { d: d, class: f === mali ? "country mali" : "country" }, svg("title", {}, f.properties.name)));
        });
        picture.append(land);
        countries.features.forEach((f) => {
          const [x, y] = path.centroid(f);
          if (Number.isFinite(x) && x > 0 && x < width && y > 0 && y < height) {
            picture.append(svg("text", { x: x, y: y, "text-anchor": "middle", class: "country-name" }, f.properties.name));
          }
        });
        const others = data.vars.filter((v) => ![lat, long, place].includes(v));
        const nameOf = (p) => {
          const labelVar = others.find((v) => p.rows[0][v] && p.rows[0][v].type === "literal");
          return (p.iri && labels.get(p.iri)) || (labelVar && p.rows[0][labelVar].value) || (p.iri ? shortIri(p.iri) : p.id);
        };
        const list = el("ul", { class: "place-list" });
        places.forEach((p) => {
          const [x, y] = projection([p.long, p.lat]);
          const name = nameOf(p);
          const events = [...new Set(p.rows.flatMap((b) => others.filter((v) => b[v] && b[v].type === "uri").map((v) => b[v].value)))];
          const mark = svg("g", { class: "place", transform: "translate(" + x + "," + y + ")" },
            svg("title", {}, name + " (" + p.lat + ", " + p.long + ")" + events.map((e) => "\n• " + (labels.get(e) || shortIri(e))).join("")),
            svg("circle", { r: 6 + Math.min(8, 2 * events.length) }),
            svg("text", { x: 12, y: 4, class: "place-name" }, name));
          mark.dataset.iri = p.iri || "";
          picture.append(p.iri ? svg("a", { href: href(p.iri) }, mark) : mark);
          const items = events.map((e) => el("li", {}, el("a", { href: href(e), title: e }, labels.get(e) || shortIri(e))));
          const title = p.iri ? el("a", { href: href(p.iri), title: p.iri }, name) : el("span", {}, name);
          list.append(el("li", {}, title, " (" + p.lat.toFixed(2) + ", " + p.long.toFixed(2) + ")",
            items.length ? el("ul", {}, ...items) : ""));
        });
        const note = el("p", { class: "note" }, "Outlines: Natural Earth (public domain), via the world-atlas package. " +
          "The coordinates are not from the articles: they come from the graph of coordinates, with its sources.");
        return el("div", { class: "map-wrapper" }, picture, list, note);
      }
    }

    return { chart: Chart, graph: GraphView, map: MapView };
  }

  /* ------------------------------------------------------------ a resource page's neighbourhood */

  /** The resource pages put their neighbourhood (drawn from the page's own tables) in a JSON data block. */
  async function drawNeighbourhood() {
    const data = document.getElementById("neighbourhood-data");
    const place = document.getElementById("neighbourhood");
    if (!data || !place) return;
    const model = JSON.parse(data.textContent);
    if (!model.edges.length) return;
    try {
      await loadLibrary();
    } catch (e) {
      return; // the tables above say the same
    }
    place.replaceChildren(drawGraph(model));
    place.dataset.drawn = "true";
  }

  window.minusmaViews = { define: define };
  drawNeighbourhood();
})();

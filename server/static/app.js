/* The query page: YASGUI against this endpoint, the saved questions, and two result views of our own
 * (a table whose IRIs open the resource pages and show labels, and a timeline for dated results). */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("minusma-config").textContent);
  const PREFIXES = config.prefixes;
  const RES = PREFIXES.res;
  const XSD = PREFIXES.xsd;
  const LABEL = PREFIXES.rdfs + "label";
  const DATE_TYPES = new Set(["date", "dateTime", "gYear", "gYearMonth"].map((t) => XSD + t));
  const ENDPOINT = window.location.origin + "/sparql";
  const byName = new Map(config.queries.map((q) => [q.name, q]));

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  function shortIri(iri) {
    for (const [prefix, ns] of Object.entries(PREFIXES)) {
      const rest = iri.slice(ns.length);
      if (iri.startsWith(ns) && (prefix === "res" || /^[\w.-]+$/.test(rest))) return prefix + ":" + rest;
    }
    return iri;
  }

  function href(iri) {
    return iri.startsWith(RES) ? "/resource/" + iri.slice(RES.length) : iri;
  }

  async function fetchLabels(iris) {
    const ours = iris.filter((i) => i.startsWith("https://w3id.org/minusma-kg/")).slice(0, 500);
    const labels = new Map();
    if (!ours.length) return labels;
    const query = "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { " + ours.map((i) => "<" + i + ">").join(" ") +
      " } ?s <" + LABEL + "> ?l } GROUP BY ?s";
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: query,
    });
    if (response.ok) (await response.json()).results.bindings.forEach((b) => b.label && labels.set(b.s.value, b.label.value));
    return labels;
  }

  function termNode(term, labels) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      const label = labels.get(term.value);
      const link = el("a", { href: href(term.value) }, label || shortIri(term.value));
      if (label) link.append(" ", el("span", { class: "iri" }, shortIri(term.value)));
      if (!term.value.startsWith(RES)) link.setAttribute("rel", "external");
      return link;
    }
    const span = el("span", { class: "literal" }, term.value);
    if (term["xml:lang"]) span.append(" ", el("span", { class: "lang" }, "@" + term["xml:lang"]));
    return span;
  }

  function bindingsOf(yasr) {
    const results = yasr.results;
    if (!results || results.getBoolean() !== undefined) return null;
    return { vars: results.getVariables(), rows: results.getBindings() };
  }

  class LinkedTable {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 20;
      this.label = "Table";
    }
    canHandleResults() {
      const data = bindingsOf(this.yasr);
      return !!data && data.vars.length > 0;
    }
    getIcon() {
      return el("span", { "aria-hidden": "true" }, "▦");
    }
    async draw() {
      const { vars, rows } = bindingsOf(this.yasr);
      const iris = new Set();
      rows.forEach((b) => vars.forEach((v) => b[v] && b[v].type === "uri" && iris.add(b[v].value)));
      const labels = await fetchLabels([...iris]);
      const table = el("table", { class: "results" });
      table.append(el("caption", {}, rows.length + (rows.length === 1 ? " row" : " rows")));
      const head = el("tr", {});
      vars.forEach((v) => head.append(el("th", { scope: "col" }, v)));
      table.append(el("thead", {}, head));
      const body = el("tbody", {});
      rows.forEach((b) => {
        const tr = el("tr", {});
        vars.forEach((v) => tr.append(el("td", {}, termNode(b[v], labels))));
        body.append(tr);
      });
      table.append(body);
      this.yasr.resultsEl.append(el("div", { class: "results-wrapper" }, table));
    }
    download() {
      return { contentType: "text/csv", getData: () => this.yasr.results.asCsv(), filename: "result.csv", title: "Download CSV" };
    }
  }

  // A date known to the year or month is shown as such, not as its first day.
  function atPrecision(value, precision) {
    if (precision === "year") return value.slice(0, 4);
    if (precision === "month") return value.slice(0, 7);
    if (precision === "week") return "week of " + value;
    return value;
  }

  class Timeline {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 10;
      this.label = "Timeline";
    }
    dateVar() {
      const data = bindingsOf(this.yasr);
      if (!data) return null;
      return data.vars.find((v) => data.rows.some((b) => b[v] && DATE_TYPES.has(b[v].datatype))) || null;
    }
    canHandleResults() {
      return this.dateVar() !== null;
    }
    getIcon() {
      return el("span", { "aria-hidden": "true" }, "⟶");
    }
    async draw() {
      const { vars, rows } = bindingsOf(this.yasr);
      const dateVar = this.dateVar();
      const itemVar = vars.find((v) => rows.some((b) => b[v] && b[v].type === "uri" && b[v].value.startsWith(RES)));
      const labelVar = vars.includes("label") ? "label" : vars.find((v) => v !== dateVar && rows.some((b) => b[v] && b[v].type === "literal"));
      const others = vars.filter((v) => ![dateVar, itemVar, labelVar].includes(v));
      const labels = await fetchLabels(rows.flatMap((b) => vars.filter((v) => b[v] && b[v].type === "uri").map((v) => b[v].value)));
      const dated = rows.filter((b) => b[dateVar]).sort((a, b) => (a[dateVar].value < b[dateVar].value ? -1 : 1));
      const list = el("ol", { class: "timeline", "aria-label": "Timeline of " + dated.length + " dated rows" });
      dated.forEach((b) => {
        const title = itemVar
          ? el("a", { href: href(b[itemVar].value) }, labelVar && b[labelVar] ? b[labelVar].value : labels.get(b[itemVar].value) || shortIri(b[itemVar].value))
          : el("span", {}, labelVar && b[labelVar] ? b[labelVar].value : "");
        const details = el("span", { class: "details" });
        others.forEach((v) => b[v] && details.append(el("span", { class: "detail" }, v + ": ", termNode(b[v], labels))));
        list.append(el("li", {}, el("time", { datetime: b[dateVar].value }, atPrecision(b[dateVar].value, b.precision && b.precision.value)), " ", title, " ", details));
      });
      const undated = rows.length - dated.length;
      this.yasr.resultsEl.append(list);
      if (undated) this.yasr.resultsEl.append(el("p", { class: "note" }, undated + " rows without a date are not shown here; see the table."));
    }
  }

  Yasgui.Yasr.registerPlugin("table", LinkedTable); // replaces YASR's own table, whose links leave the site
  Yasgui.Yasr.registerPlugin("timeline", Timeline);

  const first = config.queries[0];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }] },
    // prefixes and variables only: the class and property completers ask a web service (LOV)
    yasqe: {
      value: first ? first.query : "",
      persistenceId: null,
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: window.location.origin + "/prefixes.json", // the endpoint's own prefixes, not prefix.cc
      editorHeight: "22em",
    },
    yasr: { pluginOrder: ["table", "timeline", "response"], defaultPlugin: "table", prefixes: PREFIXES, persistenceId: null },
  });

  const current = document.getElementById("current-query");
  const csv = document.getElementById("download-csv");
  const json = document.getElementById("download-json");

  function updateDownloads(query) {
    const base = "/sparql?" + new URLSearchParams({ query: query }).toString();
    csv.href = base + "&format=csv";
    json.href = base + "&format=json";
  }

  yasgui.on("query", (_, tab) => updateDownloads(tab.getQuery()));
  yasgui.on("queryResponse", () => {
    document.body.dataset.resultsReady = String(Date.now());
  });
  if (first) updateDownloads(first.query);

  function runSaved(name) {
    const saved = byName.get(name);
    if (!saved) return;
    const tab = yasgui.getTab();
    tab.setQuery(saved.query);
    // the chosen view is drawn when the results arrive; YASR falls back to the table if it cannot show them
    tab.getYasr().selectPlugin(saved.view === "timeline" ? "timeline" : "table");
    current.textContent = "Showing: " + saved.title;
    updateDownloads(saved.query);
    tab.query();
  }

  document.querySelectorAll("button.saved-query").forEach((button) =>
    button.addEventListener("click", () => runSaved(button.dataset.name))
  );

  document.querySelectorAll(".tag-filter button.tag").forEach((button) =>
    button.addEventListener("click", () => {
      const tag = button.dataset.tag;
      document.querySelectorAll(".tag-filter button.tag").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      document.querySelectorAll(".saved-queries > li").forEach((li) => {
        li.hidden = tag !== "" && !li.dataset.tags.split(" ").includes(tag);
      });
    })
  );
  window.minusmaYasgui = yasgui;
})();

/* The query page: YASGUI against this endpoint, the saved questions, and two result views of our own
 * (a table whose IRIs open the resource pages and show labels, and a timeline for dated results).
 *
 * One answer at a time: every run empties the result area, picks the view its `# view:` header asks for, and
 * a view whose drawing was overtaken by a newer run throws its work away instead of adding it to the page. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("minusma-config").textContent);
  const PREFIXES = config.prefixes;
  const MINTED = new Set(config.minted); // the prefixes of the IRIs the project mints (kg.namespaces.MINTED)
  const RES = PREFIXES.res;
  const MKG = PREFIXES.mkg;
  const XSD = PREFIXES.xsd;
  const LABEL = PREFIXES.rdfs + "label";
  const ENDPOINT = window.location.origin + "/sparql";
  const byName = new Map(config.queries.map((q) => [q.name, q]));
  const OWN_QUERY = "Your own query";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  // The rule of kg.namespaces.shorten, on the same table: the longest matching namespace first, a local name that
  // reads as a prefixed name (Python's \w: letters and digits of any script), minted names whatever they hold.
  // tests/test_browser.py compares the two.
  const BY_LENGTH = Object.entries(PREFIXES).sort((a, b) => b[1].length - a[1].length);

  function shortIri(iri) {
    for (const [prefix, ns] of BY_LENGTH) {
      const rest = iri.slice(ns.length);
      if (iri.startsWith(ns) && (MINTED.has(prefix) || /^[\p{L}\p{N}_.-]+$/u.test(rest))) return prefix + ":" + rest;
    }
    return iri;
  }

  function href(iri) {
    if (iri.startsWith(RES)) return "/resource/" + iri.slice(RES.length);
    if (iri.startsWith(MKG)) return "/ontology#" + iri.slice(MKG.length);
    return iri;
  }

  async function select(query) {
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: query,
    });
    return response.ok ? (await response.json()).results.bindings : [];
  }

  function sparqlTerm(term) {
    if (term.type === "uri") return "<" + term.value + ">";
    const text = JSON.stringify(term.value);
    if (term.datatype) return text + "^^<" + term.datatype + ">";
    return term["xml:lang"] ? text + "@" + term["xml:lang"] : text;
  }

  async function fetchLabels(iris) {
    const ours = iris.filter((i) => i.startsWith("https://w3id.org/minusma-kg/")).slice(0, 500);
    const labels = new Map();
    if (!ours.length) return labels;
    // the English label where there is one (names may have labels in several languages), else any
    const rows = await select("SELECT ?s (COALESCE(SAMPLE(?en), SAMPLE(?l)) AS ?label) WHERE { VALUES ?s { " +
      ours.map((i) => "<" + i + ">").join(" ") + " } ?s <" + LABEL + "> ?l " +
      "OPTIONAL { ?s <" + LABEL + "> ?en FILTER(LANGMATCHES(LANG(?en), \"en\")) } } GROUP BY ?s");
    rows.forEach((b) => b.label && labels.set(b.s.value, b.label.value));
    return labels;
  }

  /* ---------------------------------------------------------------- dates in words, at their precision */

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];
  const UNITS = { unitDay: "day", unitWeek: "week", unitMonth: "month", unitYear: "year" };
  const DATE_TYPES = new Set(["date", "dateTime", "gYear", "gYearMonth", "gMonth", "gMonthDay"].map((t) => XSD + t));

  function month(mm) {
    return MONTHS[parseInt(mm, 10) - 1] || mm;
  }

  function dayMonth(dd, mm) {
    return parseInt(dd, 10) + " " + month(mm);
  }

  /** A date literal in words, at the precision its datatype (or the claim's precision) says it is known to. */
  function dateInWords(value, datatype, precision) {
    const type = datatype ? datatype.slice(XSD.length) : "";
    let m;
    if (type === "gYear") return value;
    if (type === "gYearMonth" && (m = /^(-?\d{4,})-(\d\d)/.exec(value))) return month(m[2]) + " " + m[1];
    if (type === "gMonth" && (m = /^--(\d\d)/.exec(value))) return month(m[1]) + " (year not stated)";
    if (type === "gMonthDay" && (m = /^--(\d\d)-(\d\d)/.exec(value))) return dayMonth(m[2], m[1]) + " (year not stated)";
    if ((type === "date" || type === "dateTime") && (m = /^(-?\d{4,})-(\d\d)-(\d\d)/.exec(value))) {
      if (precision === "year") return m[1];
      if (precision === "month") return month(m[2]) + " " + m[1];
      const day = dayMonth(m[3], m[2]) + " " + m[1];
      if (precision === "week") return "the week of " + day;
      const time = type === "dateTime" ? /T(\d\d:\d\d)/.exec(value) : null;
      return time && time[1] !== "00:00" ? day + ", " + time[1] : day;
    }
    return value;
  }

  /** Two date values of one type as a range ("5–6 December (year not stated)"), else null. */
  function rangeInWords(start, end) {
    if (!start || !end || start.datatype !== end.datatype || start.value === end.value) return null;
    const type = start.datatype.slice(XSD.length);
    const a = /^--(\d\d)-(\d\d)$/.exec(start.value);
    const b = /^--(\d\d)-(\d\d)$/.exec(end.value);
    if (type === "gMonthDay" && a && b && a[1] === b[1]) return parseInt(a[2], 10) + "–" + dayMonth(b[2], b[1]) + " (year not stated)";
    return dateInWords(start.value, start.datatype) + " – " + dateInWords(end.value, end.datatype);
  }

  function isDate(term) {
    return !!term && term.type !== "uri" && DATE_TYPES.has(term.datatype);
  }

  /**
   * What the graph's date claims say about each date in the rows. A full xsd:date (mkg:earliest, say) carries no
   * precision of its own, so it is looked up on the date claims of the row's resources that hold this date,
   * narrowed to the row's article where the row names one; a claim's mkg:dateValue also gives its range's end
   * (mkg:dateValueEnd). Returns a function (row, term) -> { precision, end } (either may be null).
   */
  async function dateClaims(vars, rows) {
    const iris = new Set();
    const dates = new Map();
    rows.forEach((b) => vars.forEach((v) => {
      const t = b[v];
      if (t && t.type === "uri") iris.add(t.value);
      else if (isDate(t)) dates.set(sparqlTerm(t), t);
    }));
    const none = () => ({ precision: null, end: null });
    if (!dates.size || !iris.size || iris.size > 400 || dates.size > 400) return none;
    const found = await select(
      "PREFIX mkg: <" + MKG + "> PREFIX prov: <" + PREFIXES.prov + "> " +
      "SELECT DISTINCT ?s ?date ?unit ?article ?end WHERE { VALUES ?s { " + [...iris].map((i) => "<" + i + ">").join(" ") +
      " } VALUES ?date { " + [...dates.keys()].join(" ") + " } ?s ?p ?claim . ?claim a mkg:DateClaim . " +
      "{ ?claim mkg:earliest ?date } UNION { ?claim mkg:latest ?date } UNION " +
      "{ ?claim mkg:dateValue ?date OPTIONAL { ?claim mkg:dateValueEnd ?end } } " +
      "OPTIONAL { ?claim mkg:datePrecision ?unit } OPTIONAL { ?claim prov:wasDerivedFrom ?article } }");
    if (!found.length) return none;
    return (row, term) => {
      const rowIris = new Set(vars.map((v) => row[v]).filter((t) => t && t.type === "uri").map((t) => t.value));
      let claims = found.filter((c) => rowIris.has(c.s.value) && c.date.value === term.value && c.date.datatype === term.datatype);
      const fromRowArticle = claims.filter((c) => c.article && rowIris.has(c.article.value));
      if (fromRowArticle.length) claims = fromRowArticle;
      const units = new Set(claims.map((c) => (c.unit ? UNITS[c.unit.value.split("#").pop()] : null)));
      const ends = new Set(claims.map((c) => (c.end ? sparqlTerm(c.end) : null)));
      const end = ends.size === 1 ? claims[0].end || null : null;
      return { precision: units.size === 1 ? [...units][0] || null : null, end: end };
    };
  }

  /* ---------------------------------------------------------------- cells */

  function termNode(term, labels, claimsOf, row) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      const label = labels.get(term.value);
      const link = el("a", { href: href(term.value), title: term.value }, label || shortIri(term.value));
      if (!term.value.startsWith(RES) && !term.value.startsWith(MKG)) link.setAttribute("rel", "external");
      return link;
    }
    if (isDate(term)) {
      const { precision, end } = claimsOf ? claimsOf(row, term) : { precision: null, end: null };
      const words = (end && rangeInWords(term, end)) || dateInWords(term.value, term.datatype, precision);
      return el("time", { datetime: term.value, title: term.value + (precision ? " (known to the " + precision + ")" : "") }, words);
    }
    const attrs = { class: term.value.length > 80 ? "literal long" : "literal" }; // a quote gets room to wrap
    if (term.datatype && term.datatype !== XSD + "string") attrs.title = shortIri(term.datatype);
    if (term["xml:lang"]) attrs.lang = term["xml:lang"];
    return el("span", attrs, term.value);
  }

  function sortKey(term) {
    if (!term) return "";
    if (/(integer|decimal|double|float|int|long)$/.test(term.datatype || "")) return Number(term.value);
    return term.value.toLocaleLowerCase();
  }

  function bindingsOf(yasr) {
    const results = yasr.results;
    if (!results || results.getError() || results.getBoolean() !== undefined) return null;
    return { vars: results.getVariables(), rows: results.getBindings() };
  }

  /** Draws into a fresh node and shows it only if no newer result has arrived while it was being built. */
  async function drawFresh(yasr, build) {
    const results = yasr.results;
    const node = await build();
    if (yasr.results !== results) return false; // a newer run owns the result area now
    yasr.resultsEl.replaceChildren(node);
    return true;
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
    draw() {
      return drawFresh(this.yasr, () => this.build());
    }
    async build() {
      const { vars, rows } = bindingsOf(this.yasr);
      const iris = new Set();
      rows.forEach((b) => vars.forEach((v) => b[v] && b[v].type === "uri" && iris.add(b[v].value)));
      const labels = await fetchLabels([...iris]); // one at a time: the endpoint limits each client's queries
      const claimsOf = await dateClaims(vars, rows);
      const table = el("table", { class: "results" });
      table.append(el("caption", {}, rows.length + (rows.length === 1 ? " row" : " rows") + "; click a column's name to sort"));
      const head = el("tr", {});
      const body = el("tbody", {});
      const drawRows = (ordered) => {
        body.replaceChildren(...ordered.map((b) => el("tr", {}, ...vars.map((v) => el("td", {}, termNode(b[v], labels, claimsOf, b))))));
      };
      vars.forEach((v) => {
        const button = el("button", { type: "button", class: "sort" }, v);
        const th = el("th", { scope: "col", "aria-sort": "none" }, button);
        button.addEventListener("click", () => {
          const ascending = th.getAttribute("aria-sort") !== "ascending";
          head.querySelectorAll("th").forEach((h) => h.setAttribute("aria-sort", "none"));
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          const sign = ascending ? 1 : -1;
          drawRows([...rows].sort((a, b) => {
            const x = sortKey(a[v]);
            const y = sortKey(b[v]);
            return (x < y ? -1 : x > y ? 1 : 0) * sign;
          }));
        });
        head.append(th);
      });
      table.append(el("thead", {}, head), body);
      drawRows(rows);
      return el("div", { class: "results-wrapper" }, table);
    }
    download() {
      return { contentType: "text/csv", getData: () => this.yasr.results.asCsv(), filename: "result.csv", title: "Download CSV" };
    }
  }

  /* ---------------------------------------------------------------- the time axis (vis-timeline, served here) */

  let axisLibrary = null;
  /** Loads moment, vis-data and vis-timeline (peer builds) from this server, once, on the first timeline. */
  function loadAxisLibrary() {
    if (!axisLibrary) {
      axisLibrary = ["moment.min.js", "vis-data.min.js", "vis-timeline.min.js"].reduce((previous, name) => previous.then(() =>
        new Promise((resolve, reject) => {
          const script = el("script", { src: (config.assets || {})[name] || "/vendor/timeline/" + name }); // hashed URL
          script.addEventListener("load", resolve);
          script.addEventListener("error", () => reject(new Error("could not load " + name)));
          document.head.append(script);
        })), Promise.resolve());
    }
    return axisLibrary;
  }

  function utc(y, m, d) {
    return new Date(Date.UTC(y, m, d));
  }

  /** The stretch of time a date value covers at its precision: a year, a month, a week, or a day (a point). */
  function spanOf(term, precision) {
    const type = term.datatype.slice(XSD.length);
    let m;
    if (type === "gYear" && (m = /^(\d{4})/.exec(term.value))) return { start: utc(+m[1], 0, 1), end: utc(+m[1] + 1, 0, 1) };
    if (type === "gYearMonth" && (m = /^(\d{4})-(\d\d)/.exec(term.value))) return { start: utc(+m[1], m[2] - 1, 1), end: utc(+m[1], +m[2], 1) };
    if ((type === "date" || type === "dateTime") && (m = /^(\d{4})-(\d\d)-(\d\d)/.exec(term.value))) {
      const [y, mo, d] = [+m[1], m[2] - 1, +m[3]];
      if (precision === "year") return { start: utc(y, 0, 1), end: utc(y + 1, 0, 1) };
      if (precision === "month") return { start: utc(y, mo, 1), end: utc(y, mo + 1, 1) };
      if (precision === "week") return { start: utc(y, mo, d), end: utc(y, mo, d + 7) };
      return { start: utc(y, mo, d) };
    }
    return null; // a month or a day without its year has no place on an axis of years
  }

  class Timeline {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 10;
      this.label = "Timeline";
      this.axis = null;
    }
    destroy() {
      if (this.axis) this.axis.destroy();
      this.axis = null;
    }
    dateVar() {
      const data = bindingsOf(this.yasr);
      if (!data) return null;
      return data.vars.find((v) => data.rows.some((b) => isDate(b[v]))) || null;
    }
    canHandleResults() {
      return this.dateVar() !== null;
    }
    getIcon() {
      return el("span", { "aria-hidden": "true" }, "⟶");
    }
    draw() {
      return drawFresh(this.yasr, () => this.build()).then((shown) => shown && this.drawAxis());
    }
    /** A zoomable axis over the list: each date as the span its precision covers (a year, a month) or a point. */
    async drawAxis() {
      const container = this.yasr.resultsEl.querySelector(".time-axis");
      const items = container ? container.items : [];
      if (!items.length) return;
      try {
        await loadAxisLibrary();
      } catch (e) {
        container.replaceChildren(el("p", { class: "note" }, "The time axis could not be loaded; the list below has every date."));
        return;
      }
      if (!container.isConnected) return; // a newer answer replaced this one while the library loaded
      this.destroy();
      const starts = items.map((i) => i.start.getTime());
      const ends = items.map((i) => (i.end || i.start).getTime());
      const year = 365 * 24 * 3600 * 1000;
      this.axis = new window.vis.Timeline(container, new window.vis.DataSet(items), {
        stack: true,
        zoomKey: "ctrlKey", // the wheel scrolls the page; Ctrl + wheel (or a pinch) zooms
        orientation: "top",
        maxHeight: "24em",
        min: new Date(Math.min(...starts) - year),
        max: new Date(Math.max(...ends) + year),
        zoomMin: 7 * 24 * 3600 * 1000,
        showCurrentTime: false,
        selectable: false,
      });
      container.dataset.items = String(items.length);
    }
    async build() {
      const { vars, rows } = bindingsOf(this.yasr);
      const dateVar = this.dateVar();
      const itemVar = vars.find((v) => rows.some((b) => b[v] && b[v].type === "uri" && b[v].value.startsWith(RES)));
      const labelVar = vars.includes("label") ? "label" : vars.find((v) => v !== dateVar && rows.some((b) => b[v] && b[v].type === "literal" && !isDate(b[v])));
      const others = vars.filter((v) => ![dateVar, itemVar, labelVar].includes(v));
      const iris = rows.flatMap((b) => vars.filter((v) => b[v] && b[v].type === "uri").map((v) => b[v].value));
      const labels = await fetchLabels(iris);
      const claimsOf = await dateClaims(vars, rows);
      const dated = rows.filter((b) => isDate(b[dateVar])).sort((a, b) => (a[dateVar].value < b[dateVar].value ? -1 : 1));
      const list = el("ol", { class: "timeline", "aria-label": "Timeline of " + dated.length + " dated rows" });
      const items = [];
      dated.forEach((b) => {
        const name = labelVar && b[labelVar] ? b[labelVar].value : itemVar ? labels.get(b[itemVar].value) || shortIri(b[itemVar].value) : "";
        const title = itemVar ? el("a", { href: href(b[itemVar].value), title: b[itemVar].value }, name) : el("span", {}, name);
        const details = el("span", { class: "details" });
        const when = termNode(b[dateVar], labels, claimsOf, b);
        others.forEach((v) => {
          const value = b[v] && termNode(b[v], labels, claimsOf, b);
          // an end known only to the same year (or month) as the start says nothing more: "2012, end: 2012"
          if (value && !(isDate(b[v]) && value.textContent === when.textContent)) details.append(el("span", { class: "detail" }, v + ": ", value));
        });
        list.append(el("li", {}, when, " ", title, " ", details));
        const span = spanOf(b[dateVar], claimsOf(b, b[dateVar]).precision);
        if (span) {
          const content = el("span", { title: when.textContent + ": " + name }, name);
          items.push(Object.assign({ id: items.length, content: content, type: span.end ? "range" : "point" }, span));
        }
      });
      const axis = el("div", { class: "time-axis", role: "img", "aria-label": "The same dates on a time axis; the list below reads them out" });
      axis.items = items;
      const wrapper = el("div", { class: "timeline-wrapper" }, axis, list);
      const undated = rows.length - dated.length;
      if (undated) wrapper.append(el("p", { class: "note" }, undated + " rows without a date are not shown here; see the table."));
      return wrapper;
    }
  }

  Yasgui.Yasr.registerPlugin("table", LinkedTable); // replaces YASR's own table, whose links leave the site
  Yasgui.Yasr.registerPlugin("timeline", Timeline);

  /* ---------------------------------------------------------------- chart, graph and map (views.js, beside this file) */

  // views.js is fetched from here (the page loads only this script); YASR needs its plugins before the editor is
  // built, so each view is registered now as a stand-in that hands over to views.js's class once it has arrived,
  // and the page's first question runs only then (moreViews below)
  const MORE_VIEWS = { chart: ["Chart", "▥"], graph: ["Graph", "☍"], map: ["Map", "◎"] };
  const moreViews = new Promise((resolve) => {
    const src = (config.assets || {})["views.js"] || new URL("views.js", document.currentScript.src).href; // hashed
    const script = el("script", { src });
    script.addEventListener("load", () => resolve(window.minusmaViews.define({ href, shortIri, fetchLabels, bindingsOf, drawFresh, PREFIXES })));
    script.addEventListener("error", () => resolve({})); // without them, every answer is a table
    document.head.append(script);
  });
  let viewClasses = {};
  moreViews.then((classes) => (viewClasses = classes));
  Object.entries(MORE_VIEWS).forEach(([name, [label, icon]]) => Yasgui.Yasr.registerPlugin(name, class {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = label;
      this.view = null;
    }
    get impl() {
      if (!this.view && viewClasses[name]) this.view = new viewClasses[name](this.yasr);
      return this.view;
    }
    canHandleResults() {
      return !!this.impl && this.impl.canHandleResults();
    }
    getIcon() {
      return el("span", { "aria-hidden": "true" }, icon);
    }
    draw() {
      return this.impl.draw();
    }
  }));

  /* ---------------------------------------------------------------- readable errors */

  /** The prefixed names a query uses without declaring their prefix (from YASQE's own tokenizer). */
  function undeclaredPrefixes(yasqe) {
    const declared = yasqe.getPrefixesFromQuery();
    const missing = new Set();
    for (let line = 0; line < yasqe.lineCount(); line++) {
      yasqe.getLineTokens(line).forEach((t) => {
        const m = /^([A-Za-z][\w.-]*)?:/.exec(t.string);
        if (t.type === "string-2" && m && !((m[1] || "") in declared)) missing.add(m[1] || "");
      });
    }
    return [...missing];
  }

  let currentYasqe = null; // the editor of the tab whose run failed (set when a run starts)

  /** One readable line instead of the parser's list of expected character classes; the full text on demand. */
  async function renderError(error) {
    const text = (error.text || "").trim();
    const box = el("div", { class: "query-error", role: "alert" });
    const missing = currentYasqe && /Prefix not found|prefix/i.test(text) ? undeclaredPrefixes(currentYasqe) : [];
    if (missing.length) {
      const known = missing.filter((p) => PREFIXES[p]);
      const names = missing.map((p) => p + ":");
      const declarations = missing.map((p) => el("code", {}, "PREFIX " + p + ": <" + (PREFIXES[p] || "…") + ">"));
      box.append(el("p", {}, (missing.length === 1 ? "Prefix " + names[0] + " is" : "Prefixes " + names.join(" and ") + " are") +
        " not declared — add ", ...declarations.flatMap((d, i) => (i ? [" and ", d] : [d])), " at the top of the query."));
      if (known.length) {
        const button = el("button", { type: "button", class: "add-prefixes" }, "Add " + known.map((k) => k + ":").join(", ") + " and run again");
        button.addEventListener("click", () => {
          const yasqe = currentYasqe;
          yasqe.addPrefixes(Object.fromEntries(known.map((k) => [k, PREFIXES[k]])));
          yasqe.query().catch(() => {}); // a failure is drawn by YASR, not thrown into the page
        });
        box.append(button);
      }
    } else {
      const firstLine = text.split("\n")[0];
      const m = /error at (\d+):(\d+)/.exec(firstLine);
      const where = m ? " at line " + m[1] + ", column " + m[2] : "";
      const summary = /syntax error/i.test(firstLine)
        ? "The query is not valid SPARQL: the endpoint stopped" + (where || " reading it") + "."
        : firstLine.length > 200 ? firstLine.slice(0, 200) + "…" : firstLine || "The query failed" + (error.status ? " (HTTP " + error.status + ")" : "") + ".";
      box.append(el("p", {}, summary));
    }
    if (text && text.split("\n")[0] !== box.textContent) {
      box.append(el("details", {}, el("summary", {}, "The endpoint's full message"), el("pre", { class: "error-text" }, text)));
    }
    return box;
  }
  Yasgui.Yasr.defaults.errorRenderers = [renderError]; // a custom renderer also replaces YASR's link off the page

  /* ---------------------------------------------------------------- completion from the graph itself */

  let terms = null;
  function loadTerms() {
    if (!terms) {
      terms = fetch("/completions.json").then((r) => (r.ok ? r.json() : { classes: [], properties: [], resources: [] }));
    }
    return terms;
  }
  const completionLabels = new Map();

  function localCompleter(from, name, kind, extra) {
    Yasgui.Yasqe.forkAutocompleter(from, Object.assign({
      name: name,
      bulk: false,
      autoShow: false,
      // what the student typed is matched here, against this server's terms: nothing leaves the machine
      get: (yasqe, token) => loadTerms().then((all) => {
        const typed = (token && token.autocompletionString) || "";
        return all[kind].filter(([iri]) => iri.startsWith(typed)).slice(0, 100).map(([iri, label]) => {
          if (label) completionLabels.set(iri, label);
          return iri;
        });
      }),
      postProcessSuggestion: (yasqe, token, iri) => {
        const text = Yasgui.Yasqe.Autocompleters[from].postProcessSuggestion(yasqe, token, iri);
        if (completionLabels.has(iri)) completionLabels.set(text, completionLabels.get(iri));
        return text;
      },
      postprocessHints: (yasqe, hints) => hints.map((h) => {
        const label = completionLabels.get(h.text);
        const local = h.text.slice(h.text.indexOf(":") + 1).toLowerCase();
        // "mkg:Coup (Coup)" says nothing more; "res:coup-2020 (2020 Malian coup d'état)" does
        const news = label && label.replace(/\s+/g, "").toLowerCase() !== local;
        return news ? Object.assign(h, { displayText: h.text + "  (" + label + ")" }) : h;
      }),
    }, extra || {}), false);
  }
  localCompleter("class", "graphClasses", "classes");
  localCompleter("property", "graphProperties", "properties");
  localCompleter("class", "graphResources", "resources", {
    isValidCompletionPosition: (yasqe) => {
      const token = yasqe.getCompleteToken();
      const prefix = Object.entries(yasqe.getPrefixesFromQuery()).find(([, ns]) => ns === RES);
      return token.string.startsWith("<" + RES) || (!!prefix && token.string.startsWith(prefix[0] + ":"));
    },
  });

  /* ---------------------------------------------------------------- the editor */

  const params = new URLSearchParams(window.location.search);
  const asked = byName.get(params.get("question") || "");
  const first = asked || config.queries[0];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }] },
    yasqe: {
      value: first ? first.query : "",
      persistenceId: null,
      // the endpoint's own prefixes (not prefix.cc), and classes, properties and resources of the graph (not LOV)
      autocompleters: ["prefixes", "variables", "graphClasses", "graphProperties", "graphResources"],
      prefixCcApi: window.location.origin + "/prefixes.json",
      editorHeight: "22em",
    },
    yasr: { pluginOrder: ["table", "timeline", "chart", "graph", "map", "response"], defaultPlugin: "table", prefixes: PREFIXES, persistenceId: null },
  });

  const current = document.getElementById("current-query");
  const downloads = document.getElementById("downloads");

  /** The `# view:` a query's leading comment lines ask for (as WDQS's #defaultView), or null. */
  function viewOf(query) {
    for (const line of query.split("\n")) {
      if (!line.startsWith("#")) break;
      const m = /^#\s*view:\s*(\w+)/.exec(line);
      if (m) return m[1];
    }
    return null;
  }

  function savedFor(query) {
    const text = query.trim();
    return config.queries.find((q) => q.query.trim() === text) || null;
  }

  /** Offer the formats the endpoint has for this kind of result (CSV and TSV only for SELECT), or none. */
  function showDownloads(tab) {
    const query = tab.getQuery();
    const form = (tab.getYasqe().getQueryType() || "SELECT").toUpperCase();
    const kind = form === "ASK" ? "boolean" : form === "CONSTRUCT" || form === "DESCRIBE" ? "graph" : "solutions";
    const links = config.formats[kind].map((f) => {
      const url = "/sparql?" + new URLSearchParams({ query: query, format: f.format }).toString();
      return el("a", { href: url, download: "result." + f.extension, "data-format": f.format }, f.label);
    });
    downloads.replaceChildren("Download this result: ", ...links);
    downloads.hidden = false;
  }

  function hideDownloads() {
    downloads.hidden = true;
    downloads.replaceChildren();
  }

  /** Each run: empty the result area, pick the query's own view, name it, and put a saved question in the URL. */
  const watched = new WeakSet();
  function beforeRun(tab) {
    const yasr = tab.getYasr();
    if (!watched.has(yasr)) {
      // a view that cannot show this result (a timeline without dates) gives way to the table, without a warning
      yasr.on("draw", () => yasr.emptyFallbackElement());
      tab.getYasqe().on("error", () => {}); // YASR shows the failure; unheard, the event would throw in the page
      watched.add(yasr);
    }
    currentYasqe = tab.getYasqe();
    yasr.results = undefined; // nothing of the previous answer is drawn again, whichever view is selected next
    yasr.resultsEl.replaceChildren();
    yasr.emptyFallbackElement();
    const query = tab.getQuery();
    const view = viewOf(query);
    yasr.selectPlugin(view === "timeline" || view in MORE_VIEWS ? view : "table");
    const saved = savedFor(query);
    current.textContent = saved ? "Showing: " + saved.title : "Showing: " + OWN_QUERY;
    const url = new URL(window.location.href);
    if (saved) url.searchParams.set("question", saved.name);
    else url.searchParams.delete("question");
    window.history.replaceState(null, "", url);
    hideDownloads();
    delete document.body.dataset.resultsReady;
  }

  yasgui.on("query", (_, tab) => beforeRun(tab));
  yasgui.on("queryResponse", (_, tab) => {
    // YASR draws after this event: wait for it, then offer downloads only for an answer, never for an error
    setTimeout(() => {
      const results = tab.getYasr().results;
      if (results && !results.getError()) showDownloads(tab);
      announce(tab);
      document.body.dataset.resultsReady = String(Date.now());
    }, 0);
  });

  function runSaved(name) {
    const saved = byName.get(name);
    if (!saved) return;
    const tab = yasgui.getTab();
    tab.setQuery(saved.query);
    tab.query().catch(() => {}); // a failure is drawn by YASR, not thrown into the page
  }

  document.querySelectorAll("button.saved-query").forEach((button) =>
    button.addEventListener("click", () => {
      runSaved(button.dataset.name);
      showAnswer();
    })
  );

  document.querySelectorAll(".tag-filter button.tag").forEach((button) =>
    button.addEventListener("click", () => {
      const tag = button.dataset.tag;
      document.querySelectorAll(".tag-filter button.tag").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      document.querySelectorAll(".saved-queries > li").forEach((li) => {
        li.hidden = tag !== "" && !li.dataset.tags.split(" ").includes(tag);
      });
      document.querySelectorAll(".questions .topic").forEach((topic) => {
        topic.hidden = !topic.querySelector(".saved-queries > li:not([hidden])"); // no empty topic headings
      });
    })
  );
  /* ---------------------------------------------------------------- keyboard, screen readers, small screens */

  const answerStatus = document.getElementById("answer-status");

  /** Says what the run gave ("33 results", "Error: ...") in the page's live region, for screen readers. */
  function announce(tab) {
    const results = tab.getYasr().results;
    if (!answerStatus || !results) return;
    const error = results.getError();
    let text;
    if (error) {
      text = "Error: " + ((error.text || error.statusText || "the query failed").trim().split("\n")[0]).slice(0, 200);
    } else if (results.getBoolean() !== undefined) {
      text = "The answer is " + (results.getBoolean() ? "yes" : "no") + ".";
    } else {
      const n = (results.getBindings() || []).length;
      const form = (tab.getYasqe().getQueryType() || "SELECT").toUpperCase();
      const noun = form === "CONSTRUCT" || form === "DESCRIBE" ? "triple" : "result";
      text = n + " " + noun + (n === 1 ? "" : "s");
    }
    answerStatus.textContent = text;
  }
  yasgui.on("query", () => answerStatus && (answerStatus.textContent = ""));

  /** A tapped question's answer comes into view when it is off screen (on a phone the list is above the answer; on a
   * wide screen a question far down the full-height list leaves the answer above). */
  function showAnswer() {
    const answer = yasgui.getTab().getYasr().rootEl;
    const top = answer.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) answer.scrollIntoView({ block: "start" });
  }

  /** The labels, roles and tab stops YASGUI leaves out (axe-core checks them), set once each tab is drawn. */
  function mendTab(tab) {
    const root = document.getElementById("yasgui");
    root.querySelectorAll(".tabsList").forEach((list) => {
      // a tab list may hold only tabs: the "+" button goes right after it (its empty wrapper stays for YASGUI)
      const add = list.querySelector("button.addTab");
      if (add) list.after(add);
    });
    root.querySelectorAll(".tab input[type=text]").forEach((i) => i.setAttribute("aria-label", "Tab name"));
    root.querySelectorAll("input.autocomplete").forEach((i) => i.setAttribute("aria-label", "SPARQL endpoint"));
    const yasqe = tab && tab.getYasqe();
    if (!yasqe || yasqe.minusmaMended) return;
    yasqe.minusmaMended = true;
    yasqe.setSize(null, "13em"); // short, so the opening answer shows below it (a tab's own 300px wins over editorHeight)
    yasqe.setOption("screenReaderLabel", "SPARQL query");
    yasqe.getInputField().setAttribute("aria-describedby", "editor-keys");
    const scroller = yasqe.getScrollerElement(); // scrolls a long query: reachable and named for keyboard users
    scroller.setAttribute("tabindex", "0");
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", "Query text (scrolls)");
    // Esc leaves the text for its scroll area (YASQE only blurred it), so the next Tab moves on past the editor
    yasqe.addKeyMap({ Esc: () => scroller.focus() });
    scroller.addEventListener("keydown", (e) => e.key === "Enter" && e.target === scroller && (e.preventDefault(), yasqe.focus()));
  }
  mendTab(yasgui.getTab());
  yasgui.on("tabAdd", () => setTimeout(() => mendTab(yasgui.getTab()), 0));
  yasgui.on("tabSelect", () => setTimeout(() => mendTab(yasgui.getTab()), 0));

  // the skip link lands in the editor itself
  const skip = document.querySelector("a.skip-link[href='#query-editor']");
  if (skip) {
    skip.addEventListener("click", (e) => {
      e.preventDefault();
      yasgui.getTab().getYasqe().focus();
    });
  }

  // the page opens with a question answered: the one the address names, else the first saved question
  if (first) moreViews.then(() => runSaved(first.name));
  window.minusmaYasgui = yasgui;
})();

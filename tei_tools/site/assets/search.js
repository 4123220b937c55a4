/* The edition's search page: Pagefind's index, queried from its JavaScript API, with
   filters by participant, speaker, year and document type; each result links to the
   paragraph the words are in. */
const form = document.getElementById("search-form");
const list = document.getElementById("results");
const status = document.getElementById("search-status");
const LABELS = { participant: "Participant", speaker: "Speaker", year: "Year", type: "Document type" };

function surname(name) {
  const words = name.replace(/[.,]/g, " ").trim().split(/\s+/);
  return (words[words.length - 1] || "").toLowerCase() + " " + name.toLowerCase();
}

async function start() {
  if (location.protocol === "file:") {
    status.textContent = "Search needs the site to be served over HTTP: run \u201ctei-tools serve\u201d " +
      "on the site folder and open the address it prints.";
    return;
  }
  let pagefind;
  try {
    pagefind = await import(new URL("../pagefind/pagefind.js", import.meta.url).href);
  } catch (error) {
    status.textContent = "The search index is missing: build the site with search on.";
    return;
  }
  await pagefind.options({ excerptLength: 24 });
  const available = await pagefind.filters();
  const wanted = new URLSearchParams(location.search);
  const holder = document.getElementById("search-filters");
  for (const kind of Object.keys(LABELS)) {
    const values = Object.keys(available[kind] || {});
    if (!values.length) continue;
    values.sort(kind === "participant" || kind === "speaker"
      ? (a, b) => surname(a).localeCompare(surname(b)) : (a, b) => a.localeCompare(b));
    const label = document.createElement("label");
    label.htmlFor = "filter-" + kind;
    label.textContent = LABELS[kind] + " ";
    const select = document.createElement("select");
    select.id = "filter-" + kind;
    select.name = kind;
    select.add(new Option("all", ""));
    for (const value of values) select.add(new Option(value + " (" + available[kind][value] + ")", value));
    if (wanted.get(kind)) select.value = wanted.get(kind);
    holder.append(label, select, " ");
  }
  form.elements.q.value = wanted.get("q") || "";
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  form.addEventListener("change", run);
  run();

  async function run() {
    const query = form.elements.q.value.trim();
    const filters = {};
    for (const kind of Object.keys(LABELS)) {
      const select = form.elements[kind];
      if (select && select.value) filters[kind] = [select.value];
    }
    const state = new URLSearchParams(filters);
    if (query) state.set("q", query);
    history.replaceState(null, "", "?" + state.toString());
    list.replaceChildren();
    if (!query && !Object.keys(filters).length) { status.textContent = "Type words to search for."; return; }
    const found = await pagefind.search(query || null, { filters });
    status.textContent = found.results.length + (found.results.length === 1 ? " document" : " documents") +
      " found" + (query ? " for \u201c" + query + "\u201d" : "");
    for (const result of found.results.slice(0, 50)) {
      const data = await result.data();
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = data.url + anchorFor(data);
      link.textContent = (data.meta && data.meta.title) || data.url;
      const excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt;  /* Pagefind escapes the text; only its <mark> is markup */
      item.append(link, excerpt);
      list.append(item);
    }
  }
}

function anchorFor(data) {
  /* The paragraph the first match is in: the last numbered block before it. */
  const at = (data.locations && data.locations.length) ? data.locations[0] : -1;
  let best = "";
  for (const anchor of data.anchors || []) {
    if (!/^p\d+$/.test(anchor.id)) continue;
    if (anchor.location <= at) best = "#" + anchor.id;
  }
  return best;
}

start();

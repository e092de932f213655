// icprules page: a form generated from the published input schema (/v1/schema/application), checked
// by the service as the user types. The document (state.doc) is the only truth: inputs write into it
// at their path, and findings come back at the same paths. Fields the form does not show (a key
// from a file it does not know) stay in the document and are saved with it.

// The page's own wording comes from data/ui.yaml (section "page"), served at /v1/ui/page.
let UI = { zh: {}, en: {} };

const state = {
  schema: null, defs: {}, doc: null, files: new Map(), report: null,
  lang: localStorage.getItem("icprules.lang") || ((navigator.language || "zh").startsWith("zh") ? "zh" : "en"),
  timer: null, sequence: 0,
};

const $ = (id) => document.getElementById(id);
const t = (key) => UI[state.lang][key] || key;
const label = (spec, fallback) => (spec && spec["x-title"] && spec["x-title"][state.lang]) || fallback;
const hint = (spec) => (spec && spec["x-description"] && spec["x-description"][state.lang]) || "";

// -- paths: ["services", 0, "name"] <-> "services[0].name", as findings name them ---------------------
function pathText(segs) {
  let out = "";
  for (const s of segs) out += typeof s === "number" ? `[${s}]` : (out ? "." : "") + s;
  return out;
}
function parsePath(text) {
  const out = [];
  for (const part of text.split(".")) {
    const m = part.match(/^([^[]*)((\[\d+\])*)$/);
    if (!m) { out.push(part); continue; }
    if (m[1]) out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}
function getAt(segs) {
  let v = state.doc;
  for (const s of segs) { if (v == null) return undefined; v = v[s]; }
  return v;
}
function setAt(segs, value) {
  let v = state.doc;
  segs.forEach((s, i) => {
    if (i === segs.length - 1) {
      if (value === undefined || value === "") { if (Array.isArray(v)) v[s] = value ?? ""; else delete v[s]; }
      else v[s] = value;
      return;
    }
    if (v[s] == null || typeof v[s] !== "object") v[s] = typeof segs[i + 1] === "number" ? [] : {};
    v = v[s];
  });
}

// -- the schema -----------------------------------------------------------------------------------
function resolve(spec) {
  if (spec && spec.$ref) return { ...state.defs[spec.$ref.split("/").pop()], ...without(spec, "$ref") };
  return spec || {};
}
function without(obj, key) { const o = { ...obj }; delete o[key]; return o; }
function serviceModel(type) {
  const items = state.schema.properties.services.items;
  const entry = (items.allOf || []).find((e) => e.if && e.if.properties.type.const === type);
  return entry ? resolve(entry.then) : { properties: {} };
}
function serviceTypes() { return state.schema.properties.services.items.properties.type; }
const isBlock = (value) => value != null && typeof value === "object" && !Array.isArray(value);
const isChoice = (spec) => Array.isArray(spec.oneOf) && spec.oneOf.every((o) => "const" in o);
const choiceLabel = (o) => (o["x-title"] && o["x-title"][state.lang]) || o.title || o.const;

// -- rendering ------------------------------------------------------------------------------------
let uid = 0;
let materialUid = 0;
const nextId = () => `f${++uid}`;
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function render() {
  uid = 0;
  document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
  document.title = `${t("title")} · icprules`;
  $("title").textContent = t("title");
  for (const node of document.querySelectorAll("[data-ui]")) node.textContent = t(node.dataset.ui);
  $("lang").textContent = t("lang");
  $("lang").setAttribute("aria-label", state.lang === "zh" ? "Switch to English" : "切换到中文");
  const fields = $("fields");
  fields.replaceChildren();
  if (!state.doc) return;
  const root = state.schema;
  for (const [name, spec] of Object.entries(root.properties)) {
    if (name === "format" || name === "attachments") continue; // fixed, and the materials panel
    if (name === "services") fields.append(renderServices(spec));
    else fields.append(renderField([name], spec));
  }
  showFindings();
}

function renderField(segs, rawSpec) {
  const spec = resolve(rawSpec);
  const name = segs[segs.length - 1];
  if (name === "attachments") return null;
  if (spec.properties && !isChoice(spec) && spec.type !== "array") return renderObject(segs, spec, rawSpec);
  if (Array.isArray(spec.oneOf) && spec.oneOf.some((o) => o.$ref)) return renderPersonChoice(segs, spec);
  if (spec.type === "array") return renderArray(segs, spec);
  return renderScalar(segs, spec);
}

function wrap(segs, spec, control, id) {
  const box = el("div", { class: "field", "data-path": pathText(segs) });
  box.append(el("label", { for: id, text: label(spec, String(segs[segs.length - 1])) }));
  if (hint(spec)) box.append(el("p", { class: "hint", id: `${id}-hint`, text: hint(spec) }));
  box.append(control);
  box.append(el("ul", { class: "notes", id: `${id}-notes`, "aria-live": "polite" }));
  return box;
}

function renderScalar(segs, spec) {
  const id = nextId();
  const value = getAt(segs);
  const describedBy = `${id}-notes`;
  if (isChoice(spec)) {
    const select = el("select", { id, "aria-describedby": describedBy, "data-input": pathText(segs),
      onchange: (e) => { setAt(segs, e.target.value || undefined); onStructure(segs); } });
    select.append(el("option", { value: "", text: t("none") }));
    for (const o of spec.oneOf) select.append(el("option", { value: o.const, text: choiceLabel(o), selected: o.const === value }));
    if (value && !spec.oneOf.some((o) => o.const === value)) select.append(el("option", { value, text: value, selected: true }));
    return wrap(segs, spec, select, id);
  }
  // A yes-or-no written as a word (offline: 是) is shown as written, in a text box, with its canonical
  // form offered under it: a checkbox would show 是 as "no".
  if (spec.type === "boolean" && (value == null || typeof value === "boolean")) {
    const box = el("input", { type: "checkbox", id, checked: value === true, "aria-describedby": describedBy,
      "data-input": pathText(segs), onchange: (e) => { setAt(segs, e.target.checked || undefined); schedule(); } });
    return wrap(segs, spec, box, id);
  }
  const options = spec.anyOf || [];
  const word = options.find((o) => "const" in o);
  const isDate = spec.format === "date" || options.some((o) => o.format === "date");
  // A date written another way (2036.05.01) is shown as written, in a text box: a date box would empty it.
  const writtenOtherwise = isDate && value != null && !/^\d{4}-\d{2}-\d{2}$/.test(String(value)) && !(word && value === word.const);
  const input = el("input", { type: isDate && !writtenOtherwise ? "date" : "text", id, "aria-describedby": describedBy,
    "data-input": pathText(segs), value: value == null || value === (word && word.const) ? "" : String(value),
    oninput: (e) => { setAt(segs, e.target.value || undefined); schedule(); } });
  if (!word) return wrap(segs, spec, input, id);
  const checkId = nextId();
  const check = el("input", { type: "checkbox", id: checkId, checked: value === word.const,
    onchange: (e) => { input.disabled = e.target.checked; setAt(segs, e.target.checked ? word.const : (input.value || undefined)); schedule(); } });
  input.disabled = value === word.const;
  const row = el("div", { class: "row" }, input, el("label", { class: "inline", for: checkId }, check, choiceLabel(word)));
  return wrap(segs, spec, row, id);
}

function renderObject(segs, spec, rawSpec) {
  const set = el("fieldset", { "data-path": pathText(segs) });
  set.append(el("legend", { text: label(rawSpec && rawSpec["x-title"] ? rawSpec : spec, String(segs[segs.length - 1])) }));
  set.append(el("ul", { class: "notes", "aria-live": "polite" }));
  for (const [name, sub] of Object.entries(spec.properties || {})) {
    if (name === "type" && segs[0] === "services") continue;
    const child = renderField([...segs, name], sub);
    if (child) set.append(child);
  }
  return set;
}

function renderPersonChoice(segs, spec) {
  // A service's person in charge: "same as the entity's" (a word) or a person of its own.
  const value = getAt(segs);
  const word = spec.oneOf.find((o) => "const" in o);
  const model = spec.oneOf.find((o) => o.$ref);
  const id = nextId();
  const select = el("select", { id, "data-input": pathText(segs), onchange: (e) => {
    setAt(segs, e.target.value === "same" ? word.const : (typeof getAt(segs) === "object" ? getAt(segs) : {}));
    onStructure(segs);
  } });
  // The word written by its label (同主办单位负责人) is that word, kept as written until it is changed.
  const same = value === word.const || typeof value === "string";
  select.append(el("option", { value: "same", text: choiceLabel(word), selected: same }));
  select.append(el("option", { value: "person", text: t("person"), selected: !same }));
  const box = wrap(segs, spec, select, id);
  if (!same) {
    if (value == null) setAt(segs, {});
    box.append(renderObject(segs, resolve(model), spec));
  }
  return box;
}

function renderArray(segs, spec) {
  const items = resolve(spec.items || {});
  // A list written as its one value (domains: example.com.cn) shows as that one item, and the first
  // edit makes it a list: adding a second item must not drop the first.
  let raw = getAt(segs);
  // A list of blocks written as its one block (platforms: with one platform's fields under it) is made
  // the list of one it is read as, as it will be saved: its fields are edited at [0].
  if (items.properties && isBlock(raw)) { raw = [raw]; setAt(segs, raw); }
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  const own = () => { if (!Array.isArray(getAt(segs))) setAt(segs, [...list]); return getAt(segs); };
  const set = el("fieldset", { "data-path": pathText(segs) });
  set.append(el("legend", { text: label(spec, String(segs[segs.length - 1])) }));
  if (hint(spec)) set.append(el("p", { class: "hint", text: hint(spec) }));
  set.append(el("ul", { class: "notes", "aria-live": "polite" }));
  list.forEach((_, i) => {
    const itemSegs = [...segs, i];
    const remove = el("button", { type: "button", class: "small", text: t("remove"),
      "aria-label": `${t("remove")} ${label(spec, "")} ${i + 1}`,
      onclick: () => { own().splice(i, 1); onStructure(segs); } });
    if (items.properties && typeof list[i] !== "string") {
      const sub = renderObject(itemSegs, items, { "x-title": { zh: `${label(spec, "")} ${i + 1}`, en: `${label(spec, "")} ${i + 1}` } });
      sub.append(remove);
      set.append(sub);
    } else {
      const id = nextId();
      const input = el("input", { type: "text", id, value: list[i] == null ? "" : String(list[i]),
        "data-input": pathText(itemSegs), "aria-describedby": `${id}-notes`,
        oninput: (e) => { own()[i] = e.target.value; schedule(); } });
      const row = el("div", { class: "field", "data-path": pathText(itemSegs) },
        el("label", { for: id, class: "visually-hidden", text: `${label(spec, "")} ${i + 1}` }),
        el("div", { class: "row" }, input, remove), el("ul", { class: "notes", id: `${id}-notes` }));
      set.append(row);
    }
  });
  set.append(el("button", { type: "button", class: "small", text: `${t("add")}: ${label(spec, "")}`,
    onclick: () => { setAt(segs, [...list, items.properties ? {} : ""]); onStructure(segs); } }));
  return set;
}

function renderServices(spec) {
  const segs = ["services"];
  if (isBlock(state.doc.services)) state.doc.services = [state.doc.services];  // one service written as a block
  const list = Array.isArray(state.doc.services) ? state.doc.services : [];
  const set = el("fieldset", { "data-path": "services" });
  set.append(el("legend", { text: label(spec, "services") }));
  set.append(el("ul", { class: "notes", "aria-live": "polite" }));
  const types = serviceTypes();
  list.forEach((service, i) => {
    const itemSegs = ["services", i];
    const model = serviceModel(service && service.type);
    const box = renderObject(itemSegs, model, { "x-title": {
      zh: `${t("service")} ${i + 1}：${service && service.name ? service.name : ""}`,
      en: `${t("service")} ${i + 1}: ${service && service.name ? service.name : ""}` } });
    const typeField = renderScalar([...itemSegs, "type"], types);
    box.insertBefore(typeField, box.children[2] || null);
    box.append(el("button", { type: "button", class: "small", text: t("remove"),
      "aria-label": `${t("remove")} ${t("service")} ${i + 1}`,
      onclick: () => { state.doc.services.splice(i, 1); onStructure(segs); } }));
    set.append(box);
  });
  const add = (type) => () => {
    state.doc.services = [...list, newService(type)];
    onStructure(segs);
  };
  set.append(el("div", { class: "row" },
    el("button", { type: "button", class: "small", text: t("addWebsite"), onclick: add("website") }),
    el("button", { type: "button", class: "small", text: t("addApp"), onclick: add("app") })));
  return set;
}

// A form's first guess for a field: the schema's "examples" (data/fields.yaml), which icprules does
// not assume (an absent field is a finding); undefined where there is none.
function example(model, prop) {
  const spec = ((state.schema.$defs[model] || {}).properties || {})[prop];
  return spec && Array.isArray(spec.examples) ? structuredClone(spec.examples[0]) : undefined;
}

function newService(type) {
  const model = type === "app" ? "App" : "Website";
  const common = { name: "", domains: [""], ips: [""], languages: example(model, "languages") || [""],
    principal: example(model, "principal") };
  return type === "app"
    ? { type: "app", service_type: "app", categories: [""], platforms: [{ os: example("Platform", "os") }], ...common }
    : { type: "website", ...common };
}

function newDocument(type) {
  // The operation and provider are what icprules assumes when they are absent (the schema's defaults,
  // from data); the other first values are the schema's examples.
  const props = state.schema.properties;
  return { format: "icprules/application/v1", operation: props.operation.default, provider: props.provider.default,
    entity: { nature: example("Entity", "nature"), name: "", province: "", certificate: { type: example("Certificate", "type") },
      principal: { id: { type: example("PersonId", "type") } } },
    account: {}, services: [newService(type)] };
}

// -- checking ---------------------------------------------------------------------------------------
function onStructure() { const y = window.scrollY; render(); window.scrollTo(0, y); schedule(); }
function schedule() { clearTimeout(state.timer); state.timer = setTimeout(check, 350); $("status").textContent = t("checking"); }

function referencedFiles(value, out = new Set()) {
  if (typeof value === "string") { if (state.files.has(value)) out.add(value); }
  else if (Array.isArray(value)) value.forEach((v) => referencedFiles(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => referencedFiles(v, out));
  return out;
}

async function check() {
  const sequence = ++state.sequence;
  const body = new FormData();
  body.append("document", new Blob([JSON.stringify(state.doc)], { type: "application/json" }), "application.json");
  for (const name of referencedFiles(state.doc)) body.append(name, state.files.get(name), state.files.get(name).name);
  let response;
  try {
    response = await fetch(`/v1/check?lang=${state.lang}`, { method: "POST", body });
  } catch (error) {
    banner(t("offline"));
    return;
  }
  if (sequence !== state.sequence) return; // a newer check is on its way
  const answer = await response.json();
  if (!response.ok) { banner(problemText(answer)); return; }
  banner(null);
  // A text where a block goes (an SDK by its name) is read by the checker as the block holding it: take
  // that shape, as a block written where a list goes is taken on render, and show it as the block.
  if (takeShapes(answer.normalized || {})) { onStructure(); return; }
  state.report = answer;
  $("status").textContent = `${t("checked")} · ${new Date().toLocaleTimeString()}`;
  document.body.dataset.checked = String(sequence);
  showFindings();
  showMaterials();
  showDeadlines();
}

function takeShapes(normalized) {
  const holds = (block, text) => isBlock(block) && Object.values(block).includes(text);
  let changed = false;
  for (const [path, value] of Object.entries(normalized)) {
    const segs = parsePath(path);
    const current = getAt(segs);
    if (typeof current !== "string") continue;
    if (holds(value, current) || (Array.isArray(value) && value.length === 1 && holds(value[0], current))) {
      setAt(segs, value);
      changed = true;
    }
  }
  return changed;
}

function problemText(problem) {
  const where = (p) => [p.line ? `${p.line}:${p.column ?? ""}` : "", p.path].filter(Boolean).join(" ");
  const list = (problem.problems || []).map((p) => `${where(p)} ${p.message}`.trim());
  const title = (problem.titles && problem.titles[state.lang]) || problem.title;
  return list.length ? list.join("; ") : problem.detail || title;
}

function banner(text) {
  const node = $("banner");
  node.hidden = !text;
  node.textContent = text || "";
}

function cite(sources) {
  return (sources || []).map((s) => [s.doc, s.section, s.item].filter(Boolean).join(" · ")).join("；");
}

function note(f) {
  const item = el("li", { class: `note ${f.severity}`, "data-rule": f.rule, "data-finding": f.path });
  item.append(el("span", { text: f.message[state.lang] || f.message.en }));
  item.append(el("cite", { text: `${f.rule} — ${cite(f.source)}` }));
  return item;
}

function holderOf(path) {
  // The field at the finding's path, or the nearest enclosing one the form shows.
  let segs = parsePath(path);
  while (segs.length) {
    const node = $("form").querySelector(`[data-path="${CSS.escape(pathText(segs))}"]`);
    if (node) return node;
    segs = segs.slice(0, -1);
  }
  return null;
}

function showFindings() {
  for (const list of document.querySelectorAll(".notes")) list.replaceChildren();
  for (const node of document.querySelectorAll(".has-error")) node.classList.remove("has-error");
  const summary = $("summary");
  summary.replaceChildren();
  const report = state.report;
  if (!report) return;
  const counts = report.summary;
  const badges = el("li", { class: "counts" });
  if (!counts.error) badges.append(el("span", { class: "count ok", text: t("ok") }));
  const count = (n, key) => `${n} ${state.lang === "en" && n === 1 ? t(key).replace(/s$/, "") : t(key)}`;
  badges.append(el("span", { class: "count error", text: count(counts.error, "errors") }));
  badges.append(el("span", { class: "count warning", text: count(counts.warning, "warnings") }));
  badges.append(el("span", { class: "count info", text: count(counts.info, "notes") }));
  summary.append(badges);
  for (const f of report.findings) {
    // An attachment's findings sit with its material in the checklist.
    const holder = /(^|[.\]])attachments(\.|$)/.test(f.path) ? null : holderOf(f.path);
    const list = holder && holder.querySelector(":scope > .notes");
    if (list) {
      list.append(note(f));
      if (f.severity === "error") holder.classList.add("has-error");
    }
    const link = el("a", { href: "#", text: `${f.path || t("general")}: ${f.message[state.lang] || f.message.en}`,
      onclick: (e) => { e.preventDefault(); const input = holder && holder.querySelector("input, select"); (input || holder)?.focus(); } });
    summary.append(el("li", { class: `note ${f.severity}` }, link));
  }
  // A value the filing system spells otherwise (北京 is BJ, 2036.05.01 is 2036-05-01, 企业 is enterprise):
  // its canonical form under the field, and a button that puts it there.
  for (const [path, value] of Object.entries(report.normalized || {})) {
    const holder = holderOf(path);
    if (!holder || holder.dataset.path !== path) continue;
    const option = [...holder.querySelectorAll("select option")].find((o) => o.value === String(value));
    const shown = option ? option.textContent : String(value);  // a choice by its label, as the list shows it
    const use = el("button", { type: "button", class: "small", text: t("useCanonical"),
      "aria-label": `${t("useCanonical")}: ${shown}`, onclick: () => { setAt(parsePath(path), value); onStructure(); } });
    holder.querySelector(":scope > .notes")?.append(
      el("li", { class: "note canonical", "data-canonical": path }, el("span", { text: `${t("canonical")}: ${shown}` }), use));
  }
  // A canonical form the (masked) report leaves out because it holds a personal value: say there is one.
  for (const path of report.withheld || []) {
    const holder = holderOf(path);
    if (!holder || holder.dataset.path !== path) continue;
    holder.querySelector(":scope > .notes")?.append(
      el("li", { class: "note canonical", "data-withheld": path }, el("span", { text: t("withheld") })));
  }
}

function showMaterials() {
  const report = state.report;
  const list = $("materials");
  list.replaceChildren();
  const v = report.verification || {};
  $("verification").textContent = v.result ? `${t("verification")}: ${v.result} — ${(v.reason || {})[state.lang] || ""}` +
    (v.could_not_check ? ` (${t("couldNotCheck")}: ${v.could_not_check})` : "") : "";
  for (const m of report.materials) {
    // Named but with an error on its files (unreadable, too small...): not "provided" in green beside it.
    const status = m.problems?.length ? "unusable" : m.provided ? "provided" : m.required ? "missing" : "optional";
    const id = `m${++materialUid}`;
    const multiple = m.spec === "id_document" || Array.isArray(getAt(parsePath(m.path)));
    const item = el("li", { class: "material", "data-path": m.path, "data-material": m.id });
    item.append(el("strong", { text: m.name[state.lang] }), el("span", { class: `state ${status}`, text: t(status) }));
    item.append(el("p", { class: "hint", text: (m.reason || {})[state.lang] || "" }));
    if (m.could_not_check) item.append(el("p", { class: "hint", text: `${t("couldNotCheck")} (${m.could_not_check})` }));
    const input = el("input", { type: "file", id, multiple, "aria-label": `${t(multiple ? "attachMany" : "attach")}: ${m.name[state.lang]}`,
      onchange: (e) => attach(m, [...e.target.files], multiple) });
    item.append(el("label", { for: id, class: "hint", text: t(multiple ? "attachMany" : "attach") }), input);
    item.append(el("ul", { class: "notes" }));
    list.append(item);
  }
  // Findings about attachments sit with their material.
  for (const f of report.findings) {
    const item = [...list.children].find((li) => f.path === li.dataset.path || f.path.startsWith(`${li.dataset.path}[`));
    if (item) item.querySelector(".notes").append(note(f));
  }
}

function attach(material, files, multiple) {
  const names = files.map((file) => {
    const safe = file.name.replace(/[^\w.\-\u4e00-\u9fff]+/g, "_").replace(/^\.+/, "") || "file";
    const name = `files/${material.scope.replace(/[^\w]+/g, "_")}-${material.id}-${safe}`;
    state.files.set(name, file);
    return name;
  });
  setAt(parsePath(material.path), names.length === 0 ? undefined : multiple ? names : names[0]);
  schedule();
}

function showDeadlines() {
  const list = $("deadlines");
  list.replaceChildren();
  for (const d of state.report.deadlines || []) {
    const item = el("li", { "data-deadline": d.id });
    item.append(el("span", { class: "due", text: `${d.due}${d.estimated ? " " + t("estimated") : ""}` }), " ");
    item.append(el("strong", { text: d.name[state.lang] }));
    if (d.note) item.append(el("p", { class: "hint", text: d.note[state.lang] }));
    list.append(item);
  }
}

// -- files in and out ---------------------------------------------------------------------------------
async function open(file) {
  const text = await file.text();
  const response = await fetch("/v1/convert?to=json", { method: "POST", body: text,
    headers: { "content-type": file.name.endsWith(".json") ? "application/json" : "application/yaml" } });
  const answer = await response.json();
  if (!response.ok) { banner(`${t("failedOpen")}: ${problemText(answer)}`); return; }
  if (!answer || typeof answer !== "object" || Array.isArray(answer)) { banner(t("failedOpen")); return; }
  state.doc = answer;
  state.files.clear();
  state.report = null;
  banner(null);
  render();
  check();
}

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function saveYaml() {
  const response = await fetch("/v1/convert?to=yaml", { method: "POST", body: JSON.stringify(state.doc),
    headers: { "content-type": "application/json" } });
  if (!response.ok) { banner(problemText(await response.json())); return; }
  download("application.yaml", "application/yaml", await response.text());
}

async function start() {
  const [schema, health, wording] = await Promise.all([fetch("/v1/schema/application").then((r) => r.json()),
    fetch("/v1/health").then((r) => r.json()), fetch("/v1/ui/page").then((r) => r.json())]);
  UI = wording;
  state.schema = schema;
  state.defs = schema.$defs || {};
  $("version").textContent = `icprules ${health.version}`;
  $("new-website").addEventListener("click", () => { state.doc = newDocument("website"); state.files.clear(); render(); check(); });
  $("new-app").addEventListener("click", () => { state.doc = newDocument("app"); state.files.clear(); render(); check(); });
  $("open-file").addEventListener("change", (e) => { if (e.target.files[0]) open(e.target.files[0]); e.target.value = ""; });
  $("save-json").addEventListener("click", () => download("application.json", "application/json", JSON.stringify(state.doc, null, 2) + "\n"));
  $("save-yaml").addEventListener("click", saveYaml);
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("icprules.lang", state.lang);
    render();
    if (state.report) { showMaterials(); showDeadlines(); }
  });
  state.doc = newDocument("website");
  render();
  check();
}

start().catch((error) => banner(`${t("offline")}: ${error}`));

/* Field page: the hamlet's households, the visit form, and an outbox on the phone.
   A visit (or a household added at the door) goes into IndexedDB first, then to the server;
   it leaves the outbox only when the server answered that it holds it (201, or 200 for a
   repeat: same client_uuid). Households go before visits: a visit recorded for a household
   added on this phone names it "h:<client_uuid>" until the server gives its id. */
(() => {
  "use strict";
  const ds = document.body.dataset;
  const $ = (id) => document.getElementById(id);
  const T = JSON.parse($("field-strings").textContent);
  const t = (key, vars) => (T[key] || key).replace(/%\((\w+)\)s/g, (m, k) => (vars && k in vars ? vars[k] : m));
  const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  const clean = (s) => (s || "").trim().replace(/\s+/g, " ");
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid != null) e.append(kid);
    return e;
  };
  const hamletParam = new URLSearchParams(location.search).get("hamlet");
  const dataUrl = ds.dataUrl + (hamletParam ? "?hamlet=" + encodeURIComponent(hamletParam) : "");
  const DATA_KEY = "field:data:" + (hamletParam || "own");
  const LIMIT = 300;
  const LOCAL = "h:"; // the reference of a household added on this phone, until it is sent
  let data = null;
  let outbox = []; // visits waiting on this phone
  let added = []; // households added on this phone, waiting
  let current = null; // the household of the open form
  let newRefs = 0;
  let lastSaved = null; // the visit just saved, to say what became of it

  // --- the outbox (IndexedDB) ------------------------------------------------------------
  // Version 1 held the visits ("outbox"); version 2 adds "households". The upgrade only
  // creates what is missing: every visit already waiting stays.
  const DB_VERSION = 2;
  let dbPromise = null;
  const db = () => dbPromise || (dbPromise = new Promise((resolve, reject) => {
    const req = indexedDB.open("field", DB_VERSION);
    req.onupgradeneeded = () => {
      const conn = req.result;
      if (!conn.objectStoreNames.contains("outbox")) conn.createObjectStore("outbox", { keyPath: "client_uuid" });
      if (!conn.objectStoreNames.contains("households")) conn.createObjectStore("households", { keyPath: "client_uuid" });
    };
    req.onsuccess = () => {
      const conn = req.result;
      // A newer page in another tab upgrades the database: let it, reopen on the next use.
      conn.onversionchange = () => { conn.close(); dbPromise = null; };
      resolve(conn);
    };
    req.onerror = () => { dbPromise = null; reject(req.error); };
  }));
  const transact = async (names, mode, fn) => {
    const conn = await db();
    return new Promise((resolve, reject) => {
      // Strict: the visit is on disk before the leader is told it is saved.
      const tx = conn.transaction(names, mode, { durability: "strict" });
      const stores = Object.fromEntries([].concat(names).map((n) => [n, tx.objectStore(n)]));
      const req = fn(stores);
      tx.oncomplete = () => resolve(req && req.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };
  const getAll = (name) => transact(name, "readonly", (s) => s[name].getAll());
  const put = (name, item) => transact(name, "readwrite", (s) => s[name].put(item));
  const remove = (name, key) => transact(name, "readwrite", (s) => s[name].delete(key));

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  const csrf = () => {
    const hit = document.cookie.split("; ").find((c) => c.startsWith(ds.csrfCookie + "="));
    return hit ? decodeURIComponent(hit.slice(ds.csrfCookie.length + 1)) : "";
  };
  const today = () => {
    const d = new Date();
    return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, "0"), String(d.getDate()).padStart(2, "0")].join("-");
  };
  const showDate = (iso) => iso.split("-").reverse().join("/");
  const byCreated = (a, b) => a.created - b.created;
  const online = () => navigator.onLine !== false;

  // --- status line and views -------------------------------------------------------------
  // ``mark``: what the line is about, for tests and styles ({kind} of a visit saved, {notice}).
  const status = (text, ok, link, mark) => {
    const p = $("status");
    p.textContent = text || "";
    p.className = ok ? "status ok" : "status";
    if (link) p.append(" ", el("a", { href: ds.loginUrl, text: t("sign_in") }));
    delete p.dataset.kind;
    delete p.dataset.notice;
    Object.assign(p.dataset, mark || {});
    p.hidden = !text;
  };
  const show = (view) => {
    for (const id of ["home", "visit", "household", "outbox"]) $(id).hidden = id !== view;
    window.scrollTo(0, 0);
  };

  // --- data: the last copy from this phone at once, then the server's -------------------
  const index = () => {
    for (const h of data.households) {
      h._key = h.key + " " + fold(h.citizens.map((c) => c.full_name).join(" "));
    }
  };
  const saveData = () => {
    try { localStorage.setItem(DATA_KEY, JSON.stringify(data)); } catch (e) { /* full: keep going */ }
  };
  const useData = (fresh) => {
    data = fresh;
    index();
    $("hamlet").textContent = data.hamlet.name;
    $("who").textContent = data.user.name + (data.hamlet.commune ? " · " + data.hamlet.commune : "");
    renderList();
  };
  const loadCached = () => {
    try {
      const raw = localStorage.getItem(DATA_KEY);
      if (raw) useData(JSON.parse(raw));
    } catch (e) { /* a broken copy: the server's will replace it */ }
  };
  // A list that did not load is asked for again, later each time (as the outbox is sent).
  let loadAttempt = 0;
  let loadTimer = null;
  const loadFailed = (then) => {
    if (!data) status(t("load_error"));
    const base = Math.min(60000, 2000 * 2 ** loadAttempt++);
    clearTimeout(loadTimer);
    loadTimer = setTimeout(() => loadFresh(then), base / 2 + Math.random() * (base / 2));
  };
  const loadFresh = async (then) => {
    clearTimeout(loadTimer);
    let res;
    try {
      res = await fetch(dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (e) {
      return loadFailed(then);
    }
    const json = (res.headers.get("Content-Type") || "").includes("json");
    if (res.redirected || res.status === 401 || res.status === 403 || (res.ok && !json)) {
      // Signed out: personal data leaves the screen; the outbox stays until sign-out.
      localStorage.removeItem(DATA_KEY);
      data = null;
      $("list").replaceChildren();
      status(t("signed_out"), false, true);
      return;
    }
    if (!res.ok) return loadFailed(then);
    const fresh = await res.json().catch(() => null);
    if (!fresh) return loadFailed(then);
    loadAttempt = 0;
    if ($("status").textContent === t("load_error")) status("");
    data = fresh;
    saveData();
    useData(fresh);
    if (!fresh.team) status(t("no_team"));
    if (then) then();
  };

  // --- households: the server's list and those added on this phone -----------------------
  const mine = (item) => !data || item.user === data.user.id;
  const localEntry = (item) => ({
    id: LOCAL + item.client_uuid, local: item, head_name: item.body.head_name, address: item.body.address,
    consent: Boolean(item.body.consent_on), citizens: [], visited: false, last_kind: null, last_visited_on: null,
    apps_helped: 0, _key: fold(item.body.head_name + " " + item.body.address),
  });
  const households = () => (data
    ? [...added.filter((i) => mine(i) && i.body.hamlet === data.hamlet.id).sort(byCreated).map(localEntry), ...data.households]
    : []);
  const findHousehold = (id) => households().find((h) => String(h.id) === String(id));

  // What the visits waiting on this phone say about each household (derived from the
  // outbox, so it survives a reload).
  const waitingFor = () => {
    const map = {};
    for (const item of outbox) {
      const w = map[item.household] || (map[item.household] = { met: false, nobody: false, attention: false });
      if (item.status === "attention") w.attention = true;
      else if (item.body.kind === "nobody_home") w.nobody = true;
      else w.met = true;
    }
    return map;
  };
  const isDone = (h, w) => h.visited || Boolean(w && w.met);
  const stateOf = (h, w) => {
    if ((h.local && h.local.status === "attention") || (w && w.attention)) return "attention";
    if (w && w.met) return "waiting";
    if (h.visited) return "visited";
    if (w && w.nobody) return "waiting-nobody";
    if (h.last_kind === "nobody_home") return "nobody";
    return "todo";
  };

  // --- home: progress and the list --------------------------------------------------------
  const renderList = () => {
    if (!data) return;
    const hs = households();
    const waiting = waitingFor();
    const done = hs.filter((h) => isDone(h, waiting[h.id])).length;
    $("progress-text").textContent = t("progress", { done, total: hs.length });
    $("progress").max = hs.length || 1;
    $("progress").value = done;
    const words = fold($("q").value).split(" ").filter(Boolean);
    const todo = $("only-todo").checked;
    const items = [];
    let matched = 0;
    for (const h of hs) {
      const w = waiting[h.id];
      if (todo && isDone(h, w)) continue;
      if (words.length && !words.every((word) => h._key.includes(word))) continue;
      if (++matched > LIMIT) continue;
      const state = stateOf(h, w);
      const tags = el("span", { class: "tags" });
      if (h.local && h.local.status !== "attention") tags.append(el("span", { class: "tag wait", text: t("new_household") }));
      if (state === "attention") tags.append(el("span", { class: "tag bad", text: t("attention") }));
      else if (state === "waiting") tags.append(el("span", { class: "tag wait", text: t("visited_waiting") }));
      else if (state === "waiting-nobody") tags.append(el("span", { class: "tag wait", text: t("nobody_waiting") }));
      if (h.visited) tags.append(el("span", { class: "tag ok", text: t("visited_on", { date: showDate(h.last_visited_on) }) }));
      else if (h.last_kind === "nobody_home") tags.append(el("span", { class: "tag nobody", text: t("nobody_tag") }));
      else if (state === "todo") tags.append(el("span", { class: "tag", text: t("not_visited") }));
      if (h.apps_helped) tags.append(el("span", { class: "tag", text: t("apps", { count: h.apps_helped }) }));
      items.push(el("li", {}, el("button", { type: "button", class: "hh", "data-id": h.id, "data-state": state, "data-new": h.local ? "" : false },
        el("b", { text: h.head_name }), el("small", { text: h.address }), tags)));
    }
    if (!matched) items.push(el("li", { class: "muted", text: t("no_match") }));
    if (matched > LIMIT) items.push(el("li", { class: "muted", text: t("more", { shown: LIMIT, total: matched }) }));
    $("list").replaceChildren(...items);
  };

  // --- the visit form ---------------------------------------------------------------------
  const check = (name, value, label, note, checked) => el("label", { class: "check" },
    el("input", { type: "checkbox", name, value, checked }),
    el("span", { class: "who" }, el("span", {}, label, note ? el("small", { text: " · " + note }) : null)));
  const appBySlug = (slug) => data.apps.find((a) => a.slug === slug);
  const outcomeName = (slug, code) => {
    const app = appBySlug(slug);
    const hit = app && app.outcomes.find((o) => o.code === code);
    return hit ? hit.name : code;
  };
  const kind = () => {
    const hit = document.querySelector("#kind-box input:checked");
    return hit ? hit.value : "";
  };
  const setKind = (value) => {
    for (const radio of document.querySelectorAll("#kind-box input")) radio.checked = radio.value === value;
    applyKind();
  };
  const applyKind = () => {
    const k = kind();
    $("visit-form").dataset.kind = k;
    // Nobody at home: nobody to tick, nothing done. Information only: no apps.
    $("people-box").hidden = k === "nobody_home";
    $("apps-box").hidden = k === "nobody_home" || k === "informed";
  };

  // At the door: per person, each app done (✓ the latest outcome) or left to do; visits
  // still waiting on this phone count as done.
  const doneFor = (h) => {
    const done = {};
    for (const c of h.citizens) done[c.id] = { ...(c.apps || {}) };
    for (const item of outbox) {
      if (String(item.household) !== String(h.id) || item.status !== "pending") continue;
      for (const a of item.body.assistances || []) {
        if (a.citizen && done[a.citizen]) done[a.citizen][a.app] = outcomeName(a.app, a.outcome);
      }
    }
    return done;
  };
  const citizenBox = (c, done) => {
    const left = data.apps.filter((a) => !done[a.slug]);
    const box = check("citizen", c.id, c.full_name, c.birth_year, left.length > 0);
    box.dataset.citizen = c.id;
    box.dataset.left = left.map((a) => a.slug).join(" ");
    const line = el("span", { class: "progress-line" });
    for (const app of data.apps) {
      if (done[app.slug]) line.append(el("span", { class: "st done", "data-app": app.slug, text: "✓ " + app.name + ": " + done[app.slug] }));
    }
    if (!left.length) line.append(el("span", { class: "st all", text: t("all_done") }));
    else if (left.length === data.apps.length) line.append(el("span", { class: "st left", text: t("left_all", { count: left.length }) }));
    else line.append(el("span", { class: "st left", text: t("left", { apps: left.map((a) => a.name).join(", ") }) }));
    box.querySelector(".who").append(line);
    return box;
  };
  // The apps some ticked person still lacks are marked: the leader confirms what was done.
  const markApps = () => {
    const ticked = [...document.querySelectorAll("#citizens input:checked")].map((i) => i.closest("label").dataset.left);
    for (const button of document.querySelectorAll("#apps .app-btn")) {
      const slug = button.dataset.app;
      // A person added at this visit lacks every app.
      const lacking = ticked.filter((left) => left === undefined || left.split(" ").includes(slug)).length;
      button.dataset.toDo = lacking;
      button.classList.toggle("todo", lacking > 0);
      button.querySelector(".need").textContent = lacking ? t("to_do", { count: lacking }) : "";
    }
  };

  const openForm = (id) => {
    current = findHousehold(id);
    if (!current) return;
    newRefs = 0;
    const form = $("visit-form");
    form.reset();
    setKind("");
    $("add-person").open = false;
    $("members-box").open = false;
    $("form-error").hidden = true;
    $("form-title").textContent = current.head_name;
    $("form-address").textContent = current.address;
    $("consent-box").hidden = Boolean(current.consent);
    const done = doneFor(current);
    $("citizens").replaceChildren(...current.citizens.map((c) => citizenBox(c, done[c.id])));
    $("apps").replaceChildren(...data.apps.map((app) => el("div", { class: "app" },
      el("button", { type: "button", class: "app-btn", "aria-expanded": "false", "data-app": app.slug },
        el("span", { text: app.name }), el("span", { class: "need" }), el("span", { class: "count" })),
      el("div", { class: "outcomes", hidden: true }, ...app.outcomes.map((o) => el("button", {
        type: "button", class: "chip", "aria-pressed": "false", "data-app": app.slug, "data-outcome": o.code, text: o.name,
      }))))));
    markApps();
    $("members").replaceChildren(...data.members.map((m) => check("member", m.id, m.name, m.role, m.id === data.me)));
    summariseMembers();
    $("date").value = today();
    $("date").max = today();
    show("visit");
  };

  const addPerson = () => {
    const name = clean($("new-name").value);
    const year = $("new-year").value.trim();
    const error = !name ? t("need_name") : year && !/^(19|20)\d\d$/.test(year) ? t("bad_year")
      : !current.consent && !$("consent").checked ? t("need_consent") : "";
    formError(error);
    if (error) return;
    newRefs += 1;
    const box = check("citizen", "n" + newRefs, name, [year, t("new_person")].filter(Boolean).join(" · "), true);
    box.dataset.name = name;
    box.dataset.year = year;
    $("citizens").append(box);
    $("new-name").value = "";
    $("new-year").value = "";
    $("add-person").open = false;
    markApps();
  };

  const summariseMembers = () => {
    const names = [...document.querySelectorAll("#members input:checked")].map((i) => i.closest("label").querySelector(".who > span").firstChild.textContent);
    $("members-summary").textContent = names.join(", ") || "—";
  };

  const formError = (text, box) => {
    const p = $(box || "form-error");
    p.textContent = text;
    p.hidden = !text;
    if (text) p.scrollIntoView({ block: "center" });
  };

  const collect = () => {
    const ticked = [...document.querySelectorAll("#citizens input:checked")].map((i) => i.value);
    const outcomes = [...document.querySelectorAll("#apps .chip[aria-pressed=true]")].map((b) => [b.dataset.app, b.dataset.outcome]);
    const k = kind() || (outcomes.length ? "helped" : "");
    if (!k) return { error: t("need_kind") };
    if (k === "helped" && outcomes.length && !ticked.length) return { error: t("need_person") };
    if (k === "helped" && !outcomes.length) return { error: t("need_outcome") };
    if (!$("date").value || $("date").value > today()) return { error: t("bad_date") };
    const newCitizens = k === "nobody_home" ? [] : [...document.querySelectorAll("#citizens label[data-name]")].map((box) => {
      const person = { ref: box.querySelector("input").value, full_name: box.dataset.name };
      if (box.dataset.year) person.birth_year = Number(box.dataset.year);
      return person;
    });
    const assistances = [];
    if (k === "helped") {
      for (const who of ticked) {
        for (const [app, outcome] of outcomes) {
          const target = /^n\d+$/.test(who) ? { new_citizen: who } : { citizen: Number(who) };
          assistances.push({ ...target, app, outcome });
        }
      }
    }
    if (newCitizens.length && !current.consent && !$("consent").checked) return { error: t("need_consent") };
    const consentGiven = !current.consent && newCitizens.length > 0;
    const what = k === "nobody_home" ? t("what_nobody") : k === "informed" ? t("what_informed")
      : t("what_helped", { people: ticked.length, apps: new Set(outcomes.map(([app]) => app)).size });
    return {
      what,
      body: {
        household: current.id,
        visited_on: $("date").value,
        kind: k,
        ...(consentGiven ? { consent_given: true } : {}),
        members_present: [...document.querySelectorAll("#members input:checked")].map((i) => Number(i.value)),
        notes: $("notes").value.trim(),
        new_citizens: newCitizens,
        assistances,
      },
    };
  };

  const confirmation = (saved, onPhone) => t(onPhone ? "saved_visit_offline" : "saved_visit", { name: saved.name, what: saved.what });

  const save = async (event) => {
    event.preventDefault();
    const { error, what, body } = collect();
    if (error) return formError(error);
    const item = {
      client_uuid: uuid(), user: data.user.id, household: current.id, label: current.head_name,
      created: Date.now(), status: "pending", error: "", body: null, what,
    };
    item.body = { client_uuid: item.client_uuid, ...body };
    try {
      await put("outbox", item);
    } catch (e) {
      return formError(t("storage_error"));
    }
    lastSaved = { uuid: item.client_uuid, name: current.head_name, what, kind: body.kind };
    show("home");
    status(confirmation(lastSaved, !online()), true, false, { kind: body.kind });
    await refreshOutbox();
    retryNow();
  };

  // --- adding a household at the door ------------------------------------------------------
  const openHouseholdForm = () => {
    $("household-form").reset();
    formError("", "hh-error");
    show("household");
  };

  const saveHousehold = async (event) => {
    event.preventDefault();
    const head = clean($("hh-head").value);
    const address = clean($("hh-address").value);
    const members = Number($("hh-members").value);
    const phones = $("hh-phones").value.trim() === "" ? 0 : Number($("hh-phones").value);
    const key = fold(head + " " + address);
    const error = !head ? t("need_head")
      : !Number.isInteger(members) || members < 1 || members > 60 ? t("bad_members")
      : !Number.isInteger(phones) || phones < 0 || phones > 60 ? t("bad_phones")
      : households().some((h) => h.key === key || (h.local && h._key === key)) ? t("duplicate_household") : "";
    if (error) return formError(error, "hh-error");
    const item = {
      client_uuid: uuid(), user: data.user.id, label: head, created: Date.now(), status: "pending", error: "", body: null,
    };
    item.body = {
      client_uuid: item.client_uuid, hamlet: data.hamlet.id, head_name: head, address,
      member_count: members, smartphone_count: phones, consent_on: $("hh-consent").checked ? today() : null,
    };
    try {
      await put("households", item);
    } catch (e) {
      return formError(t("storage_error"), "hh-error");
    }
    lastSaved = null;
    show("home");
    status(t(online() ? "household_saved" : "household_saved_offline", { name: head }), true);
    await refreshOutbox();
    retryNow();
  };

  // --- sending the outbox -----------------------------------------------------------------
  const messages = (value) => (Array.isArray(value) ? value.flatMap(messages)
    : value && typeof value === "object" ? Object.values(value).flatMap(messages) : typeof value === "string" ? [value] : []);

  // One POST: {answer} when the server holds it, {refused, error} when it will not take it as
  // it is, {failure} when it should be tried again later.
  const send = async (url, body) => {
    let res;
    try {
      res = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify(body),
      });
    } catch (e) {
      return { failure: "offline" };
    }
    const json = (res.headers.get("Content-Type") || "").includes("json");
    const answer = json ? await res.json().catch(() => null) : null;
    if ((res.status === 200 || res.status === 201) && !res.redirected && answer && answer.id) return { answer };
    if ((res.status === 400 || res.status === 409) && !res.redirected) {
      return { refused: true, error: (answer && messages(answer).join(" ")) || "HTTP " + res.status };
    }
    // Signed out, CSRF, a login redirect, a server error: keep it and try again later.
    return { failure: res.status === 401 || res.status === 403 || res.redirected ? "signed_out" : "server" };
  };

  // The household is on the server: its waiting visits take its id (in the same
  // transaction that drops it from the outbox), and so does its line in the list.
  const adopt = async (item, answer) => {
    const ref = LOCAL + item.client_uuid;
    await transact(["households", "outbox"], "readwrite", (s) => {
      const req = s.outbox.getAll();
      req.onsuccess = () => {
        for (const visit of req.result) {
          if (visit.household !== ref) continue;
          visit.household = answer.id;
          visit.body.household = answer.id;
          s.outbox.put(visit);
        }
        s.households.delete(item.client_uuid);
      };
      return null;
    });
    if (current && current.id === ref) current.id = answer.id;
    if (data && !data.households.some((h) => h.id === answer.id)) {
      data.households.unshift({
        id: answer.id, head_name: answer.head_name, address: answer.address || "",
        key: fold(answer.head_name + " " + (answer.address || "")), consent: answer.consent_on != null,
        citizens: [], visited: false, last_kind: null, last_visited_on: null, apps_helped: 0,
      });
      index();
      saveData();
    }
  };

  const markVisited = (item, answer) => {
    const h = data && data.households.find((x) => x.id === item.household);
    if (!h || answer.status === "withdrawn") return;
    const body = item.body;
    const k = answer.kind || body.kind || "helped";
    if (body.consent_given) h.consent = true;
    if (k !== "nobody_home") {
      h.visited = true;
      if (!h.last_visited_on || h.last_visited_on < body.visited_on) h.last_visited_on = body.visited_on;
    }
    h.last_kind = k;
    const apps = new Set(body.assistances.map((a) => a.app));
    h.apps_helped = Math.max(h.apps_helped, apps.size);
    for (const a of body.assistances) {
      const c = a.citizen && h.citizens.find((x) => x.id === a.citizen);
      if (c) c.apps = { ...(c.apps || {}), [a.app]: outcomeName(a.app, a.outcome) };
    }
    saveData();
  };

  const sendAll = async () => {
    const ready = (i) => i.status === "pending" && mine(i);
    const sent = [];
    const notices = [];
    let failure = null;
    // Households first: the visits recorded for them wait for their server id.
    for (const item of (await getAll("households")).filter(ready).sort(byCreated)) {
      const r = await send(ds.householdsUrl, item.body);
      if (r.failure) { failure = r.failure; break; }
      if (r.refused) {
        // Refused as it is (e.g. already in the hamlet): kept, with the server's reason; its
        // visits wait behind it.
        item.status = "attention";
        item.error = r.error;
        await put("households", item);
        continue;
      }
      await adopt(item, r.answer);
      sent.push(item.client_uuid);
    }
    if (!failure) {
      for (const item of (await getAll("outbox")).filter(ready).sort(byCreated)) {
        if (typeof item.body.household !== "number") continue; // its household is not sent yet
        const r = await send(ds.apiUrl, item.body);
        if (r.failure) { failure = r.failure; break; }
        if (r.refused) {
          item.status = "attention";
          item.error = r.error;
          await put("outbox", item);
          continue;
        }
        await remove("outbox", item.client_uuid);
        markVisited(item, r.answer);
        sent.push(item.client_uuid);
        // A resend of a visit an officer changed meanwhile: the portal's version stands.
        if (r.answer.status === "corrected") notices.push({ status: "corrected", text: t("changed_on_portal", { name: item.label }) });
        if (r.answer.status === "withdrawn") notices.push({ status: "withdrawn", text: t("withdrawn_on_portal", { name: item.label }) });
      }
    }
    await refreshOutbox();
    report(failure, sent, notices);
    if (sent.length) loadFresh(); // what the server now holds: new citizens, their progress
    return failure;
  };

  const report = (failure, sent, notices) => {
    const pending = outbox.some((i) => i.status === "pending") || added.some((i) => i.status === "pending");
    const justSaved = lastSaved && sent.includes(lastSaved.uuid);
    if (failure) {
      if (failure === "signed_out") status(t("signed_out"), false, true);
      else if (lastSaved && outbox.some((i) => i.client_uuid === lastSaved.uuid)) {
        status(confirmation(lastSaved, true), true, false, { kind: lastSaved.kind });
      } else if ($("status").hidden || !$("status").classList.contains("ok")) {
        // (A confirmation on screen stays: the badge says that it waits.)
        status(t(failure === "offline" ? "offline" : "server_error"));
      }
    } else if (notices.length) {
      status(notices.map((n) => n.text).join(" "), false, false, { notice: notices.map((n) => n.status).join(" ") });
    } else if (justSaved) {
      status(confirmation(lastSaved, false) + (pending ? "" : " " + t("sent")), true, false, { kind: lastSaved.kind });
    } else if (sent.length && !pending) {
      status(t("sent"), true);
    }
    if (justSaved) lastSaved = null;
  };

  // Retries by themselves: 2 s, 4 s, 8 s… up to a minute, each with jitter (a team's phones
  // coming back in range together do not all knock at once); at once when the browser says
  // the connection is back or the page is looked at again.
  const BACKOFF_FIRST = 2000;
  const BACKOFF_MAX = 60000;
  let attempt = 0;
  let retryTimer = null;
  const retryLater = () => {
    clearTimeout(retryTimer);
    const base = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** attempt);
    attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    document.body.dataset.retryIn = Math.round(delay);
    retryTimer = setTimeout(() => { retryTimer = null; sync(); }, delay);
  };
  const retryNow = () => {
    attempt = 0;
    clearTimeout(retryTimer);
    retryTimer = null;
    return sync();
  };

  let syncing = null;
  let again = false;
  const sync = () => {
    // One sync at a time in this page, and across tabs when the browser has Web Locks.
    if (syncing) {
      again = true;
      return syncing;
    }
    const run = navigator.locks
      ? navigator.locks.request("field-sync", { ifAvailable: true }, (lock) => (lock ? sendAll() : "busy"))
      : sendAll();
    syncing = run.catch(() => "error").then((failure) => {
      if (failure) retryLater();
      else {
        attempt = 0;
        delete document.body.dataset.retryIn;
      }
    }).finally(() => {
      syncing = null;
      if (again) {
        again = false;
        sync();
      }
    });
    return syncing;
  };

  const refreshOutbox = async () => {
    [outbox, added] = await Promise.all([getAll("outbox").catch(() => []), getAll("households").catch(() => [])]);
    const count = outbox.length + added.length;
    const attention = [...outbox, ...added].some((i) => i.status === "attention");
    const badge = $("outbox-badge");
    badge.hidden = !count;
    badge.textContent = t("outbox", { count });
    badge.classList.toggle("bad", attention);
    renderList();
    renderOutbox();
  };

  const renderOutbox = () => {
    const userId = data && data.user.id;
    const line = (item, store, title, sub, waitingText) => {
      const foreign = userId && item.user !== userId;
      const li = el("li", { class: "item", "data-uuid": item.client_uuid, "data-store": store, "data-state": item.status },
        el("p", {}, el("b", { text: title }), sub ? " · " + sub : "", item.what ? el("span", { class: "what", text: " · " + item.what }) : null),
        el("p", { class: item.status === "attention" ? "error" : "muted",
          text: item.status === "attention" ? t("attention") + ": " + item.error : foreign ? t("other_account") : waitingText }));
      if (item.status === "attention") li.append(el("button", { type: "button", class: "button secondary", "data-discard": item.client_uuid, "data-store": store, text: t("discard") }));
      return li;
    };
    const items = [
      ...added.slice().sort(byCreated).map((item) => line(item, "households", t("household_label", { name: item.label }), item.body.address, t("waiting"))),
      ...outbox.slice().sort(byCreated).map((item) => line(item, "outbox", item.label, showDate(item.body.visited_on),
        typeof item.body.household === "number" ? t("waiting") : t("waiting_household"))),
    ];
    if (!items.length) items.push(el("li", { class: "muted", text: t("nothing_waiting") }));
    $("outbox-list").replaceChildren(...items);
  };

  // Whether the browser promised to keep this site's storage when space runs low.
  const renderStorage = async () => {
    const persistent = navigator.storage && navigator.storage.persisted ? await navigator.storage.persisted().catch(() => false) : false;
    $("storage").textContent = t(persistent ? "storage_persistent" : "storage_best_effort");
    $("storage").dataset.persistent = String(persistent);
  };

  // The last resort: what waits on this phone, as a file to hand to an officer.
  const exportFile = async () => {
    const [visits, homes] = await Promise.all([getAll("outbox"), getAll("households")]);
    const strip = (item) => ({ label: item.label, status: item.status, error: item.error, created: new Date(item.created).toISOString(), body: item.body });
    const payload = {
      exported_at: new Date().toISOString(),
      user: data && data.user,
      hamlet: data && data.hamlet,
      households: homes.sort(byCreated).map(strip),
      visits: visits.sort(byCreated).map(strip),
    };
    const blob = new Blob([JSON.stringify(payload, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "field-outbox-" + today() + ".json", hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  };

  // --- signing out: warn about unsent visits, then leave nothing on the phone -------------
  const clearLocal = async () => {
    if (dbPromise) (await dbPromise).close();
    dbPromise = null;
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase("field");
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
    if (window.caches) for (const key of await caches.keys()) if (key.startsWith("field-")) await caches.delete(key);
    for (const key of Object.keys(localStorage)) if (key.startsWith("field:")) localStorage.removeItem(key);
    if (navigator.serviceWorker) for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
  };

  const logout = async () => {
    await retryNow();
    const [visits, homes] = await Promise.all([getAll("outbox").catch(() => []), getAll("households").catch(() => [])]);
    const count = visits.length + homes.length;
    if (count && !window.confirm(t("logout_warning", { count }))) return;
    const res = await fetch(ds.logoutUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() } }).catch(() => null);
    if (!res || !res.ok) {
      window.alert(t("logout_offline"));
      return;
    }
    await clearLocal();
    location.assign(ds.loginUrl);
  };

  // --- wiring -----------------------------------------------------------------------------
  $("list").addEventListener("click", (e) => {
    const button = e.target.closest(".hh");
    if (button) openForm(button.dataset.id);
  });
  $("q").addEventListener("input", renderList);
  $("only-todo").addEventListener("change", renderList);
  $("members").addEventListener("change", summariseMembers);
  $("citizens").addEventListener("change", markApps);
  $("kind-box").addEventListener("change", applyKind);
  $("apps").addEventListener("click", (e) => {
    const app = e.target.closest(".app-btn");
    if (app) {
      const open = app.getAttribute("aria-expanded") !== "true";
      app.setAttribute("aria-expanded", String(open));
      app.nextElementSibling.hidden = !open;
      return;
    }
    const chip = e.target.closest(".chip");
    if (!chip) return;
    const pressed = chip.getAttribute("aria-pressed") !== "true";
    chip.setAttribute("aria-pressed", String(pressed));
    if (pressed && kind() !== "helped") setKind("helped"); // an outcome means help was given
    const group = chip.parentElement;
    const n = group.querySelectorAll("[aria-pressed=true]").length;
    group.previousElementSibling.querySelector(".count").textContent = n ? "✓ " + n : "";
  });
  $("new-add").addEventListener("click", addPerson);
  $("visit-form").addEventListener("submit", save);
  $("add-household").addEventListener("click", openHouseholdForm);
  $("household-form").addEventListener("submit", saveHousehold);
  $("outbox-badge").addEventListener("click", () => { renderOutbox(); renderStorage(); show("outbox"); });
  $("sync-now").addEventListener("click", () => retryNow());
  $("export").addEventListener("click", () => exportFile());
  $("outbox-list").addEventListener("click", async (e) => {
    const key = e.target.dataset && e.target.dataset.discard;
    if (!key) return;
    if (e.target.dataset.store === "households") {
      if (!window.confirm(t("discard_household_confirm"))) return;
      const ref = LOCAL + key;
      await transact(["households", "outbox"], "readwrite", (s) => {
        const req = s.outbox.getAll();
        req.onsuccess = () => {
          for (const visit of req.result) if (visit.household === ref) s.outbox.delete(visit.client_uuid);
          s.households.delete(key);
        };
        return null;
      });
    } else {
      if (!window.confirm(t("discard_confirm"))) return;
      await remove("outbox", key);
    }
    await refreshOutbox();
  });
  for (const back of document.querySelectorAll("[data-go]")) back.addEventListener("click", () => show(back.dataset.go));
  $("logout").addEventListener("click", logout);
  window.addEventListener("online", () => {
    if (loadAttempt) loadFresh();
    retryNow();
  });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") retryNow(); });

  // Ask the browser not to evict the outbox when the phone runs short of space.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null).then(renderStorage);
  else renderStorage();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(ds.swUrl, { scope: ds.scope }).catch(() => null);
  loadCached();
  refreshOutbox().then(() => (data ? retryNow() : null));
  loadFresh(() => retryNow());
})();

/* Field page: the hamlet's households, the visit form, and an outbox on the phone.
   A visit goes into IndexedDB first, then to the server; it leaves the outbox only when the
   server answered that it holds it (201, or 200 for a repeat: same client_uuid). */
(() => {
  "use strict";
  const ds = document.body.dataset;
  const $ = (id) => document.getElementById(id);
  const T = JSON.parse($("field-strings").textContent);
  const t = (key, vars) => (T[key] || key).replace(/%\((\w+)\)s/g, (m, k) => (vars && k in vars ? vars[k] : m));
  const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
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
  let data = null;
  let outbox = [];
  let current = null; // the household of the open form
  let newRefs = 0;

  // --- the outbox (IndexedDB) ------------------------------------------------------------
  let dbPromise = null;
  const db = () => dbPromise || (dbPromise = new Promise((resolve, reject) => {
    const req = indexedDB.open("field", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("outbox", { keyPath: "client_uuid" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  }));
  const store = async (mode, fn) => {
    const conn = await db();
    return new Promise((resolve, reject) => {
      // Strict: the visit is on disk before the leader is told it is saved.
      const tx = conn.transaction("outbox", mode, { durability: "strict" });
      const req = fn(tx.objectStore("outbox"));
      tx.oncomplete = () => resolve(req && req.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };
  const outboxAll = () => store("readonly", (s) => s.getAll());
  const outboxPut = (item) => store("readwrite", (s) => s.put(item));
  const outboxDelete = (key) => store("readwrite", (s) => s.delete(key));

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

  // --- status line and views -------------------------------------------------------------
  const status = (text, ok, link) => {
    const p = $("status");
    p.textContent = text || "";
    p.className = ok ? "status ok" : "status";
    if (link) p.append(" ", el("a", { href: ds.loginUrl, text: t("sign_in") }));
    p.hidden = !text;
  };
  const show = (view) => {
    for (const id of ["home", "visit", "outbox"]) $(id).hidden = id !== view;
    window.scrollTo(0, 0);
  };

  // --- data: the last copy from this phone at once, then the server's -------------------
  const index = () => {
    for (const h of data.households) {
      h._key = h.key + " " + fold(h.citizens.map((c) => c.full_name).join(" "));
    }
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
  const loadFresh = async () => {
    let res;
    try {
      res = await fetch(dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (e) {
      if (!data) status(t("load_error"));
      return;
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
    if (!res.ok) {
      if (!data) status(t("load_error"));
      return;
    }
    const fresh = await res.json();
    try { localStorage.setItem(DATA_KEY, JSON.stringify(fresh)); } catch (e) { /* full: keep going */ }
    useData(fresh);
    if (!fresh.team) status(t("no_team"));
    sync();
  };

  // --- home: progress and the list --------------------------------------------------------
  const waitingFor = () => {
    const map = {};
    for (const item of outbox) map[item.household] = map[item.household] === "attention" ? "attention" : item.status;
    return map;
  };
  const renderList = () => {
    if (!data) return;
    const hs = data.households;
    const done = hs.filter((h) => h.visited).length;
    $("progress-text").textContent = t("progress", { done, total: hs.length });
    $("progress").max = hs.length || 1;
    $("progress").value = done;
    const words = fold($("q").value).split(" ").filter(Boolean);
    const waiting = waitingFor();
    const todo = $("only-todo").checked;
    const list = $("list");
    const items = [];
    let matched = 0;
    for (const h of hs) {
      if (todo && h.visited) continue;
      if (words.length && !words.every((w) => h._key.includes(w))) continue;
      if (++matched > LIMIT) continue;
      const tags = el("span", { class: "tags" });
      if (waiting[h.id]) tags.append(el("span", { class: waiting[h.id] === "attention" ? "tag bad" : "tag wait", text: t(waiting[h.id] === "attention" ? "attention" : "waiting") }));
      tags.append(h.visited
        ? el("span", { class: "tag ok", text: t("visited_on", { date: showDate(h.last_visited_on) }) })
        : el("span", { class: "tag", text: t("not_visited") }));
      if (h.apps_helped) tags.append(el("span", { class: "tag", text: t("apps", { count: h.apps_helped }) }));
      items.push(el("li", {}, el("button", { type: "button", class: "hh", "data-id": h.id },
        el("b", { text: h.head_name }), el("small", { text: h.address }), tags)));
    }
    if (!matched) items.push(el("li", { class: "muted", text: t("no_match") }));
    if (matched > LIMIT) items.push(el("li", { class: "muted", text: t("more", { shown: LIMIT, total: matched }) }));
    list.replaceChildren(...items);
  };

  // --- the visit form ---------------------------------------------------------------------
  const check = (name, value, label, note, checked) => el("label", { class: "check" },
    el("input", { type: "checkbox", name, value, checked }),
    el("span", {}, label, note ? el("small", { text: " · " + note }) : null));

  const openForm = (id) => {
    current = data.households.find((h) => h.id === id);
    if (!current) return;
    newRefs = 0;
    const form = $("visit-form");
    form.reset();
    $("add-person").open = false;
    $("members-box").open = false;
    $("form-error").hidden = true;
    $("form-title").textContent = current.head_name;
    $("form-address").textContent = current.address;
    $("consent-box").hidden = Boolean(current.consent);
    $("citizens").replaceChildren(...current.citizens.map((c) => check("citizen", c.id, c.full_name, c.birth_year, false)));
    $("apps").replaceChildren(...data.apps.map((app) => el("div", { class: "app" },
      el("button", { type: "button", class: "app-btn", "aria-expanded": "false", "data-app": app.slug }, app.name, el("span", { class: "count" })),
      el("div", { class: "outcomes", hidden: true }, ...app.outcomes.map((o) => el("button", {
        type: "button", class: "chip", "aria-pressed": "false", "data-app": app.slug, "data-outcome": o.code, text: o.name,
      }))))));
    $("members").replaceChildren(...data.members.map((m) => check("member", m.id, m.name, m.role, m.id === data.me)));
    summariseMembers();
    $("date").value = today();
    $("date").max = today();
    show("visit");
  };

  const addPerson = () => {
    const name = $("new-name").value.trim().replace(/\s+/g, " ");
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
  };

  const summariseMembers = () => {
    const names = [...document.querySelectorAll("#members input:checked")].map((i) => i.closest("label").querySelector("span").firstChild.textContent);
    $("members-summary").textContent = names.join(", ") || "—";
  };

  const formError = (text) => {
    $("form-error").textContent = text;
    $("form-error").hidden = !text;
    if (text) $("form-error").scrollIntoView({ block: "center" });
  };

  const collect = () => {
    const ticked = [...document.querySelectorAll("#citizens input:checked")].map((i) => i.value);
    const outcomes = [...document.querySelectorAll("#apps .chip[aria-pressed=true]")].map((b) => [b.dataset.app, b.dataset.outcome]);
    if (outcomes.length && !ticked.length) return { error: t("need_person") };
    if (ticked.length && !outcomes.length) return { error: t("need_outcome") };
    if (!$("date").value || $("date").value > today()) return { error: t("bad_date") };
    const newCitizens = [...document.querySelectorAll("#citizens label[data-name]")].map((box) => {
      const person = { ref: box.querySelector("input").value, full_name: box.dataset.name };
      if (box.dataset.year) person.birth_year = Number(box.dataset.year);
      return person;
    });
    const assistances = [];
    for (const who of ticked) {
      for (const [app, outcome] of outcomes) {
        const target = /^n\d+$/.test(who) ? { new_citizen: who } : { citizen: Number(who) };
        assistances.push({ ...target, app, outcome });
      }
    }
    if (newCitizens.length && !current.consent && !$("consent").checked) return { error: t("need_consent") };
    const consentGiven = !current.consent && newCitizens.length > 0;
    return {
      household: current.id,
      visited_on: $("date").value,
      ...(consentGiven ? { consent_given: true } : {}),
      members_present: [...document.querySelectorAll("#members input:checked")].map((i) => Number(i.value)),
      notes: $("notes").value.trim(),
      new_citizens: newCitizens,
      assistances,
    };
  };

  const save = async (event) => {
    event.preventDefault();
    const body = collect();
    if (body.error) return formError(body.error);
    const item = {
      client_uuid: uuid(), user: data.user.id, household: current.id, label: current.head_name,
      created: Date.now(), status: "pending", error: "", body: null,
    };
    item.body = { client_uuid: item.client_uuid, ...body };
    try {
      await outboxPut(item);
    } catch (e) {
      return formError(t("storage_error"));
    }
    show("home");
    status(navigator.onLine === false ? t("saved_offline") : t("saved"), true);
    await refreshOutbox();
    sync();
  };

  // --- sending the outbox -----------------------------------------------------------------
  const messages = (value) => (Array.isArray(value) ? value.flatMap(messages)
    : value && typeof value === "object" ? Object.values(value).flatMap(messages) : typeof value === "string" ? [value] : []);

  const markVisited = (item) => {
    const h = data && data.households.find((x) => x.id === item.household);
    if (!h) return;
    h.visited = true;
    if (item.body.consent_given) h.consent = true;
    if (!h.last_visited_on || h.last_visited_on < item.body.visited_on) h.last_visited_on = item.body.visited_on;
    h.apps_helped = Math.max(h.apps_helped, new Set(item.body.assistances.map((a) => a.app)).size);
    try { localStorage.setItem(DATA_KEY, JSON.stringify(data)); } catch (e) { /* full */ }
  };

  let quickRetries = 0;
  const sendAll = async () => {
    const mine = (await outboxAll()).filter((i) => i.status === "pending" && (!data || i.user === data.user.id));
    mine.sort((a, b) => a.created - b.created);
    let sent = 0;
    for (const item of mine) {
      let res;
      try {
        res = await fetch(ds.apiUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(item.body),
        });
      } catch (e) {
        status(t("offline"));
        // The browser may say "online" a moment before the network really carries requests
        // (one bar of signal coming back): try again soon, a few times, then every 30 s.
        if (navigator.onLine && quickRetries < 5) {
          quickRetries += 1;
          setTimeout(() => sync(), 2000 * quickRetries);
        }
        break;
      }
      quickRetries = 0;
      const json = (res.headers.get("Content-Type") || "").includes("json");
      const answer = json ? await res.json().catch(() => null) : null;
      if ((res.status === 200 || res.status === 201) && !res.redirected && answer && answer.id) {
        await outboxDelete(item.client_uuid);
        markVisited(item);
        sent += 1;
      } else if ((res.status === 400 || res.status === 409) && !res.redirected) {
        // The server refuses this visit as it is: keep it, with its reason, for the leader.
        item.status = "attention";
        item.error = (answer && messages(answer).join(" ")) || "HTTP " + res.status;
        await outboxPut(item);
      } else {
        // Signed out, CSRF, a login redirect, a server error: keep it and try again later.
        const signedOut = res.status === 401 || res.status === 403 || res.redirected;
        status(signedOut ? t("signed_out") : t("server_error"), false, signedOut);
        break;
      }
    }
    await refreshOutbox();
    if (sent && !outbox.some((i) => i.status === "pending")) status(t("sent"), true);
  };

  let syncing = null;
  const sync = () => {
    // One sync at a time in this page, and across tabs when the browser has Web Locks.
    if (syncing) return syncing;
    const run = navigator.locks
      ? navigator.locks.request("field-sync", { ifAvailable: true }, (lock) => (lock ? sendAll() : null))
      : sendAll();
    syncing = run.catch(() => null).finally(() => { syncing = null; });
    return syncing;
  };

  const refreshOutbox = async () => {
    outbox = await outboxAll().catch(() => []);
    const pending = outbox.filter((i) => i.status === "pending").length;
    const attention = outbox.length - pending;
    const badge = $("outbox-badge");
    badge.hidden = !outbox.length;
    badge.textContent = t("outbox", { count: outbox.length });
    badge.classList.toggle("bad", attention > 0);
    renderList();
    renderOutbox();
  };

  const renderOutbox = () => {
    const userId = data && data.user.id;
    const items = outbox.slice().sort((a, b) => a.created - b.created).map((item) => {
      const foreign = userId && item.user !== userId;
      const li = el("li", { class: "item" },
        el("p", {}, el("b", { text: item.label }), " · " + showDate(item.body.visited_on)),
        el("p", { class: item.status === "attention" ? "error" : "muted",
          text: item.status === "attention" ? t("attention") + ": " + item.error : foreign ? t("other_account") : t("waiting") }));
      if (item.status === "attention") li.append(el("button", { type: "button", class: "button secondary", "data-discard": item.client_uuid, text: t("discard") }));
      return li;
    });
    if (!items.length) items.push(el("li", { class: "muted", text: t("nothing_waiting") }));
    $("outbox-list").replaceChildren(...items);
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
    await sync();
    const count = (await outboxAll().catch(() => [])).length;
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
    if (button) openForm(Number(button.dataset.id));
  });
  $("q").addEventListener("input", renderList);
  $("only-todo").addEventListener("change", renderList);
  $("members").addEventListener("change", summariseMembers);
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
    chip.setAttribute("aria-pressed", String(chip.getAttribute("aria-pressed") !== "true"));
    const group = chip.parentElement;
    const n = group.querySelectorAll("[aria-pressed=true]").length;
    group.previousElementSibling.querySelector(".count").textContent = n ? "✓ " + n : "";
  });
  $("new-add").addEventListener("click", addPerson);
  $("visit-form").addEventListener("submit", save);
  $("outbox-badge").addEventListener("click", () => { renderOutbox(); show("outbox"); });
  $("sync-now").addEventListener("click", () => sync());
  $("outbox-list").addEventListener("click", async (e) => {
    const key = e.target.dataset && e.target.dataset.discard;
    if (key && window.confirm(t("discard_confirm"))) {
      await outboxDelete(key);
      await refreshOutbox();
    }
  });
  for (const back of document.querySelectorAll("[data-go]")) back.addEventListener("click", () => show(back.dataset.go));
  $("logout").addEventListener("click", logout);
  window.addEventListener("online", () => sync());
  setInterval(() => { if (outbox.some((i) => i.status === "pending")) sync(); }, 30000);

  // Ask the browser not to evict the outbox when the phone runs short of space.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(ds.swUrl, { scope: ds.scope }).catch(() => null);
  loadCached();
  refreshOutbox().then(() => (data ? sync() : null));
  loadFresh();
})();

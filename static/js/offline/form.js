/* Entry that survives a lost connection (issue 27), on the yearly figures form and the
   self-score sheet (form[data-offline-form]).

   Offline, what the clerk types is kept in IndexedDB (register.js's store) with the record's
   version the page was loaded with; the page says it is kept only on this device. Back
   online it is sent through the page's own form POST with that version: the server's
   validation and optimistic lock decide. When the record changed meanwhile (the lock
   refuses: 409), both versions are shown side by side and the clerk chooses, field by field;
   the draft is dropped only once the server has taken it. Every text is in the template
   (templates/offline/_entry.html), translated. */
(function () {
  "use strict";
  const offline = window.portalOffline;
  const status = document.querySelector("[data-offline-status]");
  if (!offline || !offline.user || !status || !window.idb) return;
  const conflict = document.querySelector("[data-offline-conflict]");
  const key = `${offline.user} ${location.pathname}`;
  let form;
  let base; // the values the page was loaded with
  let draft = null;
  let syncing = false;
  let timer = null;

  function show(state) {
    for (const item of status.querySelectorAll("[data-offline-state]")) {
      item.hidden = item.dataset.offlineState !== state;
    }
  }

  function fields(root) {
    return Array.from(root.querySelectorAll("input, textarea, select")).filter(
      (field) =>
        field.name &&
        !field.disabled &&
        !["hidden", "submit", "button", "file", "reset", "image"].includes(field.type),
    );
  }

  function valuesOf(root) {
    const values = {};
    for (const field of fields(root)) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) values[field.name] = field.value;
        else if (!(field.name in values)) values[field.name] = "";
      } else {
        values[field.name] = field.value;
      }
    }
    return values;
  }

  function apply(values) {
    for (const field of fields(form)) {
      if (!(field.name in values)) continue;
      if (field.type === "checkbox" || field.type === "radio") field.checked = values[field.name] === field.value;
      else field.value = values[field.name];
    }
  }

  function versionField(root) {
    return root.querySelector(`[name="${form.dataset.offlineVersion}"]`);
  }

  function labelOf(name) {
    const field = form.querySelector(`[name="${name}"]`);
    if (!field) return name;
    const label = field.id && document.querySelector(`label[for="${field.id}"]`);
    return (label && label.textContent.trim()) || field.getAttribute("aria-label") || field.placeholder || name;
  }

  const same = (a, b) => String(a ?? "").trim() === String(b ?? "").trim();
  const changed = (values) => Object.keys(values).some((name) => !same(values[name], base[name]));

  /* When a draft was kept, as the server writes it (DATETIME_FORMAT "H:i d/m/Y") in the
     portal's time zone (data-time-zone, settings.TIME_ZONE), whatever the browser's zone. */
  const clock = new Intl.DateTimeFormat("en-GB", {
    timeZone: status.dataset.timeZone || undefined,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  });
  function showTime(iso) {
    const part = Object.fromEntries(clock.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    const text = `${part.hour}:${part.minute} ${part.day}/${part.month}/${part.year}`;
    const time = status.querySelector("[data-offline-time]");
    time.textContent = text;
    time.dateTime = iso;
  }

  // Another user signed in on this browser, or this one logged out, in another tab: what
  // is on this page is neither kept nor sent under the new session.
  function ended() {
    clearTimeout(timer);
    timer = null;
    draft = null;
    show("ended");
  }

  async function save() {
    clearTimeout(timer);
    timer = null;
    draft = {
      key,
      user: offline.user,
      path: location.pathname,
      version: draft ? draft.version : versionField(form).value,
      base: draft ? draft.base : base,
      values: valuesOf(form),
      action: form.dataset.offlineAction || "",
      savedAt: new Date().toISOString(),
    };
    try {
      await (await offline.db()).put("drafts", draft);
    } catch (error) {
      if (offline.ended()) return ended();
      throw error;
    }
    showTime(draft.savedAt);
    if (!syncing) show("saved");
  }

  async function drop() {
    draft = null;
    await (await offline.db()).delete("drafts", key);
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function errorText(doc) {
    return Array.from(doc.querySelectorAll("main [role=alert]"))
      .map((alert) => alert.textContent.trim())
      .join(" ");
  }

  /* The current page from the server: a fresh CSRF token, its version and values, or why not. */
  async function current() {
    const response = await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
    if (response.redirected && new URL(response.url).pathname !== location.pathname) return { login: true };
    const doc = parse(await response.text());
    if (doc.body.dataset.offlineUser && doc.body.dataset.offlineUser !== offline.user) return { ended: true };
    const theirs = doc.querySelector("form[data-offline-form]");
    if (response.status === 403 || (response.ok && !theirs)) return { refused: status.dataset.closed };
    if (!response.ok || !theirs) return { refused: errorText(doc) || String(response.status) };
    return { doc, form: theirs };
  }

  async function sync() {
    if (!draft || syncing || !navigator.onLine) return;
    if (offline.ended()) return ended();
    syncing = true;
    show("sending");
    try {
      const now = await current();
      if (now.login) return show("login");
      if (now.ended) return ended();
      if (now.refused) {
        status.querySelector("[data-offline-reason]").textContent = now.refused;
        return show("refused");
      }
      const body = new FormData(form);
      body.set("csrfmiddlewaretoken", now.form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.set(form.dataset.offlineVersion, draft.version);
      if (draft.action) body.set("action", draft.action);
      for (const [name, value] of Object.entries(draft.values)) body.set(name, value);
      const response = await fetch(location.pathname, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.type === "opaqueredirect") {
        // Saved (a refused save is answered with the page again, never a redirect).
        await drop();
        location.assign(form.dataset.offlineDone);
        return;
      }
      const answer = parse(await response.text());
      if (response.status === 409) {
        const latest = await current();
        const version = latest.form && versionField(latest.form).value;
        if (version && version !== String(draft.version)) return showConflict(latest.form, errorText(answer));
      }
      // Refused as typed (400), or by a rule of the record (409, the version unchanged):
      // the server's answer in the form, every error marked, the draft still kept.
      const refused = answer.querySelector("form[data-offline-form]");
      if (refused && (response.status === 400 || response.status === 409)) {
        form.replaceChildren(...Array.from(refused.childNodes, (node) => document.importNode(node, true)));
      }
      status.querySelector("[data-offline-reason]").textContent = errorText(answer) || String(response.status);
      show(response.status === 400 ? "invalid" : "refused");
    } catch (error) {
      show(navigator.onLine ? "saved" : "offline"); // the connection went again: kept, retried later
    } finally {
      syncing = false;
    }
  }

  function showConflict(theirs, reason) {
    const server = valuesOf(theirs);
    const rows = conflict.querySelector("[data-offline-conflict-rows]");
    rows.replaceChildren();
    for (const name of Object.keys(draft.values)) {
      const mine = draft.values[name];
      if (same(mine, server[name])) continue;
      const row = document.createElement("tr");
      row.dataset.field = name;
      const head = document.createElement("th");
      head.scope = "row";
      head.textContent = labelOf(name);
      row.append(head);
      const mineChanged = !same(mine, draft.base[name]);
      for (const [side, value] of [["mine", mine], ["theirs", server[name] ?? ""]]) {
        const cell = document.createElement("td");
        const label = document.createElement("label");
        label.className = "d-flex gap-2 align-items-start";
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.className = "form-check-input mt-0 flex-shrink-0";
        radio.name = `offline-choice-${name}`;
        radio.value = side;
        radio.dataset.value = value;
        radio.checked = (side === "mine") === mineChanged;
        const text = document.createElement("span");
        text.className = "offline-value";
        text.textContent = value === "" ? "—" : value;
        label.append(radio, text);
        cell.append(label);
        cell.dataset.side = side;
        row.append(cell);
      }
      rows.append(row);
    }
    // The server's refusal names who saved and when; its advice to reload is for the
    // plain form, not for this view.
    const hint = conflict.dataset.staleHint || "";
    conflict.querySelector("[data-offline-conflict-reason]").textContent = hint ? reason.replace(hint, "").trim() : reason;
    conflict.dataset.version = versionField(theirs).value;
    conflict.serverValues = server;
    conflict.hidden = false;
    show("saved");
    conflict.scrollIntoView({ block: "start" });
  }

  async function resolve() {
    const chosen = { ...conflict.serverValues };
    for (const name of Object.keys(draft.values)) if (!(name in chosen)) chosen[name] = draft.values[name];
    for (const radio of conflict.querySelectorAll("input[type=radio]:checked")) {
      chosen[radio.name.replace("offline-choice-", "")] = radio.dataset.value;
    }
    apply(chosen);
    versionField(form).value = conflict.dataset.version;
    draft = { ...draft, version: conflict.dataset.version, base: conflict.serverValues };
    await save();
    conflict.hidden = true;
    await sync();
  }

  function setup() {
    form = document.querySelector("form[data-offline-form]");
    if (!form) return;
    base = valuesOf(form);
    form.addEventListener("input", () => {
      if (!navigator.onLine || draft) {
        clearTimeout(timer);
        timer = setTimeout(save, 150);
      }
    });
    form.addEventListener("submit", async (event) => {
      if (!navigator.onLine) {
        event.preventDefault();
        await save();
        show("saved");
      } else if (draft) {
        // A draft is sent the one way, which drops it only once the server took it.
        event.preventDefault();
        const button = event.submitter;
        await save();
        if (button && button.name === "action") draft.action = button.value;
        await sync();
      }
    });
  }

  setup();
  if (conflict) {
    conflict.querySelector("[data-offline-resolve]").addEventListener("click", resolve);
    for (const button of conflict.querySelectorAll("[data-offline-choose]")) {
      button.addEventListener("click", () => {
        for (const radio of conflict.querySelectorAll(`input[value=${button.dataset.offlineChoose}]`)) radio.checked = true;
      });
    }
  }

  window.addEventListener("offline", () => {
    show("offline");
    if (draft || changed(valuesOf(form))) save();
  });
  window.addEventListener("online", sync);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && timer) save();
  });

  async function start() {
    await offline.owned;
    // A store held by some other tab: the page works as it would without one.
    draft = await offline
      .db()
      .then((store) => store.get("drafts", key))
      .catch(() => null);
    if (draft && draft.user !== offline.user) await drop();
    if (draft) {
      apply(draft.values);
      versionField(form).value = draft.version;
      showTime(draft.savedAt);
      show("saved");
      if (navigator.onLine) await sync();
    } else if (!navigator.onLine) {
      show("offline");
    }
    await registerWorker();
  }

  async function registerWorker() {
    const url = document.body.dataset.offlineSw;
    if (!url || !("serviceWorker" in navigator) || !navigator.onLine) {
      document.documentElement.dataset.offlineReady = "1";
      return;
    }
    try {
      const controlled = Boolean(navigator.serviceWorker.controller);
      await navigator.serviceWorker.register(url, { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      if (!controlled) {
        // This page came from the network before the worker ran: have it kept now.
        await new Promise((done) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = done;
          registration.active.postMessage({ type: "keep", url: location.href }, [channel.port2]);
          setTimeout(done, 5000);
        });
      }
      if (!draft) show("ready");
    } finally {
      document.documentElement.dataset.offlineReady = "1";
    }
  }

  start();
})();

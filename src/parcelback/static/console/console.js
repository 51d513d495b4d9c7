// Parcelback console: row selection and the dialog that hosts batch forms. Every link and form here also
// works without this script, as a full page.
(function () {
  "use strict";
  // Times are shown in the browser's time zone: tell the server once (it reads the cookie from the next page on).
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("pb_tz=" + encodeURIComponent(zone))) {
    document.cookie = "pb_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  }

  // On a phone the filters fold away unless some are in use.
  const filters = document.querySelector(".filter-panel");
  if (filters && window.matchMedia("(max-width: 760px)").matches) {
    const used = ["numbers", "product", "goods", "warehouse", "time_from", "time_to", "pickup_method", "exception_state",
      "owner", "business_mode", "reverse_type", "status"].some((name) => new URLSearchParams(location.search).get(name));
    if (!used) filters.open = false;
  }

  // "返回上一页" on error pages: back where the user came from (the home link beside it works without history).
  document.addEventListener("click", (e) => {
    if (e.target.closest("[data-history-back]")) { e.preventDefault(); history.back(); }
  });

  // 新建逆向管理单: goods lines added and removed freely (the formset's TOTAL_FORMS follows). Without the script
  // the form keeps its fixed empty rows, which are ignored when left blank.
  const lines = document.querySelector("[data-formset=lines]");
  const template = document.getElementById("line-template");
  const addLine = document.querySelector("[data-add-line]");
  if (lines && template && addLine) {
    const total = document.querySelector("input[name=lines-TOTAL_FORMS]");
    const max = Number(document.querySelector("input[name=lines-MAX_NUM_FORMS]").value) || 20;
    addLine.hidden = false;
    addLine.addEventListener("click", () => {
      if (Number(total.value) >= max) return;
      lines.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
      total.value = Number(total.value) + 1;
      lines.lastElementChild.querySelector("input").focus();
    });
    // A removed line is emptied and hidden: left unchanged, the formset ignores it, so numbering stays intact.
    lines.addEventListener("click", (e) => {
      const button = e.target.closest("[data-remove-line]");
      if (!button) return;
      const row = button.closest("[data-line]");
      row.querySelectorAll("input").forEach((input) => { input.value = input.defaultValue = input.name.endsWith("quantity") ? "1" : ""; });
      row.hidden = true;
    });
  }

  // The 单号 box grows with what was pasted (up to 8 lines), so the user sees the numbers they are filtering by.
  const pasted = document.getElementById("f-numbers");
  if (pasted) {
    const fit = () => { pasted.rows = Math.min(8, Math.max(2, pasted.value.split("\n").length)); };
    pasted.addEventListener("input", fit);
    fit();
  }

  const dialog = document.getElementById("dialog");
  const content = dialog && dialog.querySelector(".dialog-content");

  function show(html) {
    content.innerHTML = html;
    if (!dialog.open) dialog.showModal();
    const first = content.querySelector("input:not([type=hidden]):not([disabled]), textarea, select");
    if (first) first.focus();
  }

  async function load(url, options) {
    const response = await fetch(url, Object.assign({ headers: { "X-Fragment": "1" }, credentials: "same-origin" }, options));
    const next = response.headers.get("X-Location");
    if (next) { document.dispatchEvent(new CustomEvent("pb:written")); window.location.assign(next); return; }
    if (response.redirected) { window.location.assign(response.url); return; }  // e.g. signed out meanwhile
    show(await response.text());
  }

  // ---- List selection (issue 11, keep the operator's context) ------------------------------------------------
  // Ticks survive changing page, page size and sort: the ticked numbers are kept in sessionStorage under the
  // list's filters (data-selection-key). "选择全部 N 条符合条件的单据" switches to the whole filtered list: the
  // batch buttons then send select=filter with the list's query (back) and the server resolves the numbers.
  const selectAll = document.getElementById("select-all");
  const counter = document.getElementById("selected-count");
  const batchForm = document.getElementById("batch-form");
  const matching = document.getElementById("select-matching");
  const storeKey = batchForm ? "pb-ticks:" + (batchForm.dataset.selectionKey || "") : null;
  const boxes = () => Array.from(document.querySelectorAll('input[name=numbers][form=batch-form]:not([disabled])'));
  function loadTicks() {
    try { return JSON.parse(sessionStorage.getItem(storeKey)) || { numbers: [], all: false }; }
    catch (err) { return { numbers: [], all: false }; }
  }
  const ticks = loadTicks();
  const ticked = new Set(ticks.numbers);
  function save() {
    try { sessionStorage.setItem(storeKey, JSON.stringify({ numbers: Array.from(ticked), all: ticks.all })); } catch (err) { /* private mode */ }
  }
  function count() {
    const total = matching ? Number(matching.dataset.total) : 0;
    if (counter) counter.textContent = ticks.all ? total : ticked.size;
    const onPage = boxes();
    if (selectAll) selectAll.checked = ticks.all || (onPage.length > 0 && onPage.every((b) => b.checked));
    if (matching) {
      const offer = !ticks.all && selectAll && selectAll.checked && total > onPage.length;
      matching.querySelector("[data-offer]").hidden = !offer;
      matching.querySelector("[data-chosen]").hidden = !ticks.all;
      matching.hidden = !offer && !ticks.all;
    }
  }
  if (batchForm) {
    boxes().forEach((b) => { b.checked = ticks.all || ticked.has(b.value); });
    if (selectAll) selectAll.addEventListener("change", () => {
      ticks.all = false;
      boxes().forEach((b) => { b.checked = selectAll.checked; if (b.checked) ticked.add(b.value); else ticked.delete(b.value); });
      save(); count();
    });
    document.addEventListener("change", (e) => {
      const box = e.target;
      if (!box.matches('input[name=numbers][form=batch-form]')) return;
      if (ticks.all && !box.checked) {  // leaving "all matching": keep the visible rows but this one
        ticks.all = false; ticked.clear(); boxes().forEach((b) => { if (b.checked) ticked.add(b.value); });
      }
      if (box.checked) ticked.add(box.value); else ticked.delete(box.value);
      save(); count();
    });
    if (matching) matching.addEventListener("click", (e) => {
      if (e.target.closest("[data-choose-all]")) { ticks.all = true; boxes().forEach((b) => { b.checked = true; ticked.add(b.value); }); }
      else if (e.target.closest("[data-clear-all]")) { ticks.all = false; ticked.clear(); boxes().forEach((b) => { b.checked = false; }); }
      else return;
      save(); count();
    });
    count();
  }
  // A dialog's write went through: the ticked orders have been acted on, so the selection starts afresh.
  document.addEventListener("pb:written", () => { if (storeKey) { ticks.all = false; ticked.clear(); save(); } });
  // The query a batch button sends: all matching (select=filter), or every ticked number; with the view to return to.
  function batchParams() {
    const params = new URLSearchParams();
    if (ticks.all) params.append("select", "filter");
    else (batchForm ? Array.from(ticked) : []).forEach((n) => params.append("numbers", n));
    const back = batchForm && batchForm.querySelector("input[name=back]");
    if (back) params.append("back", back.value);
    return params;
  }
  // ---- end of list selection ---------------------------------------------------------------------------------

  if (!dialog) return;

  // Batch buttons: open the form for the ticked rows in the dialog.
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-dialog-submit]");
    if (!button) return;
    e.preventDefault();
    load(button.getAttribute("formaction") + "?" + batchParams().toString());
  });

  // Row actions and "continue with the eligible ones": load into the dialog.
  document.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-dialog-link]");
    if (!link) return;
    e.preventDefault();
    load(link.href);
  });

  // Forms inside the dialog post in place; a refusal comes back as the same form with its messages.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!form.matches("[data-dialog-form]") || !dialog.contains(form)) return;
    e.preventDefault();
    const data = new FormData(form);
    if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    load(form.action, { method: "POST", body: data });
  });

  document.addEventListener("click", (e) => {
    if (e.target.closest("[data-close]") && dialog.contains(e.target)) { e.preventDefault(); dialog.close(); }
  });
})();

// --- Pickup code screen and pickup slip (issue 11): copy the code, print the slip. Without this script the
// buttons stay hidden; the code can still be selected by hand and the slip printed from the browser's menu.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy], [data-print]").forEach((button) => { button.hidden = false; });

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  document.addEventListener("click", (e) => {
    const copy = e.target.closest("[data-copy]");
    if (copy) {
      const text = copy.getAttribute("data-copy");
      const status = copy.parentElement.querySelector(".copied");
      const write = navigator.clipboard && window.isSecureContext ? navigator.clipboard.writeText(text) : fallbackCopy(text);
      write.catch(() => fallbackCopy(text)).then(
        () => { if (status) status.textContent = copy.dataset.copied; },
        () => { if (status) status.textContent = copy.dataset.copyFailed; }
      );
      return;
    }
    if (e.target.closest("[data-print]")) window.print();
  });
  // The address book in the registration dialog: picking a saved picker or recipient (typed to search in the
  // datalist) fills their fields in the same fieldset; the search box is then cleared.
  document.addEventListener("input", (e) => {
    const box = e.target.closest("input[data-book]");
    if (!box || !box.list) return;
    const option = Array.from(box.list.options).find((o) => o.value === box.value);
    if (!option) return;
    const scope = box.closest("fieldset") || document;
    for (const [name, value] of Object.entries(option.dataset)) {
      const field = scope.querySelector(`[name="${name}"]`);
      if (field) field.value = value;
    }
    box.value = "";
  });
})();

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
    if (next) { window.location.assign(next); return; }
    if (response.redirected) { window.location.assign(response.url); return; }  // e.g. signed out meanwhile
    show(await response.text());
  }

  // Ticked rows: "select all on this page" and the running count.
  const selectAll = document.getElementById("select-all");
  const counter = document.getElementById("selected-count");
  const boxes = () => Array.from(document.querySelectorAll('input[name=numbers][form=batch-form]:not([disabled])'));
  function count() { if (counter) counter.textContent = boxes().filter((b) => b.checked).length; }
  if (selectAll) selectAll.addEventListener("change", () => { boxes().forEach((b) => { b.checked = selectAll.checked; }); count(); });
  document.addEventListener("change", (e) => { if (e.target.matches('input[name=numbers][form=batch-form]')) count(); });
  count();

  if (!dialog) return;

  // Batch buttons: open the form for the ticked rows in the dialog.
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-dialog-submit]");
    if (!button) return;
    e.preventDefault();
    const params = new URLSearchParams();
    boxes().filter((b) => b.checked).forEach((b) => params.append("numbers", b.value));
    load(button.getAttribute("formaction") + "?" + params.toString());
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

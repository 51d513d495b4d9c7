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

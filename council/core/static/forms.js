// Error summaries of refused forms (the convention is described at the top of council/core/forms.py).
// The page already opens at the summary (the form's action ends in #<form id>-errors); this moves the
// keyboard and screen-reader focus there too, and makes each of its links put the focus in the field.
(function () {
  "use strict";
  // Each summary on a page loads this file; one run handles them all.
  if (window.councilErrorSummaries) return;
  window.councilErrorSummaries = true;

  function control(target) {
    // A list of checkboxes links to its <ul>: the first box is what the user can act on.
    if (target.matches("input, select, textarea, button")) return target;
    return target.querySelector("input, select, textarea") || target;
  }

  function openDetails(element) {
    for (let d = element.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  }

  function goTo(event) {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    const field = control(target);
    openDetails(field);
    // Show the question with the field: the label says what is being asked.
    const label = document.querySelector("label[for='" + CSS.escape(target.id) + "']");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  function start() {
    const summaries = document.querySelectorAll("[data-error-summary]");
    summaries.forEach(function (summary) { summary.addEventListener("click", goTo); });
    if (summaries.length) {
      openDetails(summaries[0]);
      summaries[0].focus();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

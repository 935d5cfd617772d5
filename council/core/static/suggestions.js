// Suggestions for a field from the server as the user types (<input list="…" data-suggestions="URL">): the auditor's
// user filter asks audit.user_suggestions for the few users who match, where the page once carried every user of
// the council (issue 13). The field works without this script; the server resolves what was typed.
(function () {
  "use strict";
  if (window.councilSuggestions) return;
  window.councilSuggestions = true;
  // Wait for a pause in typing: one question per word, not per keystroke.
  const PAUSE_MS = 250;

  function option(suggestion) {
    const element = document.createElement("option");
    element.value = suggestion.value;
    element.textContent = suggestion.label;
    return element;
  }

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = null;
    let asked = input.value.trim();
    let latest = 0;
    function ask() {
      const typed = input.value.trim();
      if (!typed || typed === asked) return;
      asked = typed;
      const mine = ++latest;
      const url = input.dataset.suggestions + "?q=" + encodeURIComponent(typed);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { users: [] }; })
        .then(function (answer) {
          if (mine !== latest) return;  // the answer to an earlier word
          list.replaceChildren.apply(list, answer.users.map(option));
        })
        .catch(function () { /* no suggestions: the field still takes what is typed */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, PAUSE_MS);
    });
  }

  function start() {
    document.querySelectorAll("input[list][data-suggestions]").forEach(attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

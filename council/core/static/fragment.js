// A form posts to '…#<form id>-errors' so that a refused form opens at its error summary (council/core/forms.py). When the
// form succeeds, the server redirects and the browser carries that fragment over to the next page (the URL spec
// says so when the Location has none), where it names nothing: the address bar would keep '#login-form-errors'
// after a successful sign-in. Drop a '-errors' fragment that names no element of the page.
(function () {
  "use strict";
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (id.endsWith("-errors") && !document.getElementById(id)) {
    window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  }
})();

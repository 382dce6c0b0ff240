// QMS: behaviour that needs no inline script (the CSP forbids inline code).
(function () {
  "use strict";
  // While the user types in a form, tell the server the session is in use, at most
  // every five minutes, so long drafting is not counted as idle time.
  var lastPing = Date.now();
  var typing = false;
  document.addEventListener("input", function () { typing = true; });
  setInterval(function () {
    if (!typing || Date.now() - lastPing < 5 * 60 * 1000) { return; }
    var token = document.querySelector("input[name=csrf_token]");
    if (!token) { return; }
    typing = false;
    lastPing = Date.now();
    fetch("/sesion/activa", { method: "POST", headers: { "X-CSRFToken": token.value }, credentials: "same-origin" });
  }, 30 * 1000);
  // Selects marked data-autosubmit send their form as soon as they change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) { event.target.form.submit(); }
  });
  // Buttons that need a confirmation carry data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();

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
  // A file larger than the upload limit (data-max-upload-mb on <body>) is refused here,
  // before minutes of sending end in a refusal: the message sits under the file field.
  var maxMb = parseInt(document.body.dataset.maxUploadMb || "0", 10);
  function fileTooLarge(input) {
    return maxMb > 0 && Array.prototype.some.call(input.files || [], function (file) {
      return file.size > maxMb * 1024 * 1024;
    });
  }
  function checkFileSize(input) {
    var message = fileTooLarge(input) ? "El archivo supera el tamaño máximo de " + maxMb + " MB; elija uno más pequeño." : "";
    var note = input.parentNode.querySelector(".upload-size-error");
    if (!note && message) {
      note = document.createElement("div");
      note.className = "upload-size-error small text-danger";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    if (note) { note.textContent = message; }
    input.classList.toggle("is-invalid", Boolean(message));
    return !message;
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=file]")) { checkFileSize(event.target); }
  });
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file]");
    var ok = Array.prototype.every.call(inputs, checkFileSize);
    if (!ok) { event.preventDefault(); event.stopImmediatePropagation(); }
  });
  // A text field with data-picker-url suggests objects from the server as one types
  // (a <datalist>); choosing one fills the hidden id field named by data-picker-id.
  // Without scripts the typed code is sent and the server finds the object by it.
  function setupPicker(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var hidden = input.form.elements[input.dataset.pickerId];
    var kind = input.form.elements[input.dataset.pickerKind];
    var ids = {};
    var timer = null;
    function pick() { hidden.value = ids[input.value] || ""; }
    function load() {
      var url = input.dataset.pickerUrl + "?kind=" + encodeURIComponent(kind.value) + "&q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (rows) {
          ids = {};
          list.replaceChildren.apply(list, rows.map(function (row) {
            var option = document.createElement("option");
            option.value = row.label;
            ids[row.label] = String(row.id);
            return option;
          }));
          pick();
        });
    }
    input.addEventListener("input", function () {
      pick();
      clearTimeout(timer);
      if (input.value.trim().length >= 2 && !ids[input.value]) { timer = setTimeout(load, 250); }
    });
    kind.addEventListener("change", function () { ids = {}; pick(); list.replaceChildren(); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-picker-url]"), setupPicker);
  // A long job's progress page (the import wizard) sends its form again by itself.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autocontinue]"), function (form) {
    window.setTimeout(function () { form.submit(); }, 300);
  });
  // Buttons that need a confirmation carry data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();

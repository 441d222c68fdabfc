// Progressive enhancement for the story edit screen: without JavaScript the form works as
// before; with it, the text is sent to /newsroom/autosave/ every few seconds while it
// changes, and text kept from an earlier visit is offered back.
(function () {
  "use strict";
  // Admin loads its scripts in <head>, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", datelineAutosave);
  } else {
    datelineAutosave();
  }
})();

function datelineAutosave() {
  "use strict";
  var form = document.getElementById("article_form");
  var match = window.location.pathname.match(/\/news\/article\/(\d+)\/change\/$/);
  if (!form || !match) return;
  var articleId = match[1];
  var fields = ["headline", "standfirst", "body"];
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var status = document.createElement("p");
  status.className = "autosave-status";
  status.setAttribute("role", "status");
  form.insertBefore(status, form.firstChild);

  function current() {
    var data = new FormData();
    data.append("article", articleId);
    fields.forEach(function (name) {
      var el = form.elements[name];
      data.append(name, el ? el.value : "");
    });
    return data;
  }
  function snapshot() {
    return fields.map(function (n) { return form.elements[n] ? form.elements[n].value : ""; }).join("\u0000");
  }
  var last = snapshot();
  function save() {
    var now = snapshot();
    if (now === last) return;
    last = now;
    fetch("/newsroom/autosave/", {
      method: "POST", body: current(), credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) { return r.json(); }).then(function (json) {
      status.textContent = json.error
        ? json.error
        : "Draft kept at " + new Date(json.saved_at).toLocaleTimeString();
    }).catch(function () { status.textContent = "Could not keep the draft; save the story."; });
  }
  window.setInterval(save, 5000);
  form.addEventListener("submit", save);

  fetch("/newsroom/autosave/?article=" + articleId, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (json) {
      if (!json.autosave) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "autosave-restore";
      button.textContent = "Restore the text kept at " + new Date(json.autosave.saved_at).toLocaleTimeString();
      button.addEventListener("click", function () {
        fields.forEach(function (name) {
          if (form.elements[name]) form.elements[name].value = json.autosave[name];
        });
        button.remove();
      });
      status.appendChild(button);
    });
}

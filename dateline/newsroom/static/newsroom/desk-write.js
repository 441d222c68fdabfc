// The writing screen's help while typing (newsroom/writing.py). Without it the form still
// saves, every check runs again on the server, and nothing here is ever the gate:
// - length guides under the headline and the social fields;
// - preflight as you type: what blocks publishing, asked of the server;
// - autosave every few seconds to /newsroom/autosave/, and the text kept offered back;
// - type-ahead for authors, tags and topics (a <datalist> per field);
// - the lead picture chosen from the library with buttons, keyboard and all.
(function () {
  "use strict";
  var form = document.getElementById("story-form");
  if (!form) return;
  var articleId = form.dataset.article || "";
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf }
    }).then(function (r) { return r.json(); });
  }
  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
  }
  function value(name) {
    var el = form.elements[name];
    return el ? el.value : "";
  }
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, ms);
    };
  }

  // Length guides.
  Array.prototype.forEach.call(form.querySelectorAll("[data-guide]"), function (input) {
    var max = parseInt(input.dataset.guide, 10);
    var guide = document.createElement("p");
    guide.className = "guide";
    guide.id = input.id + "-guide";
    guide.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", guide);
    var described = (input.getAttribute("aria-describedby") || "") + " " + guide.id;
    input.setAttribute("aria-describedby", described.trim());
    function update() {
      var n = input.value.length;
      guide.textContent = n + " of " + max + " characters" +
        (n > max ? ": " + (n - max) + " too many to show whole" : "");
      guide.classList.toggle("over", n > max);
    }
    input.addEventListener("input", update);
    update();
  });

  // Preflight as you type.
  var preflightBox = document.querySelector("[data-preflight]");
  var preflightFields = ["headline", "standfirst", "body", "section", "lead_picture",
    "lead_caption", "lead_credit", "lead_alt"];
  var checkNow = debounce(function () {
    var data = new FormData();
    data.append("article", articleId);
    preflightFields.forEach(function (name) { data.append(name, value(name)); });
    post("/newsroom/story/preflight/", data).then(function (json) {
      var findings = json.findings || [];
      preflightBox.replaceChildren();
      if (!findings.length) {
        var ok = document.createElement("p");
        ok.textContent = "Nothing blocks publishing.";
        preflightBox.append(ok);
        return;
      }
      var list = document.createElement("ul");
      list.className = "findings";
      findings.forEach(function (f) {
        var li = document.createElement("li");
        if (f.blocking) li.className = "blocking";
        li.textContent = (f.blocking ? "Blocks publishing: " : "") + f.message;
        list.append(li);
      });
      preflightBox.append(list);
    }).catch(function () {});
  }, 600);
  form.addEventListener("input", checkNow);
  form.addEventListener("change", checkNow);
  // The body editor writes its textarea on every change without an input event.
  var body = form.elements.body;
  var lastBody = body ? body.value : "";
  window.setInterval(function () {
    if (body && body.value !== lastBody) {
      lastBody = body.value;
      checkNow();
    }
  }, 1000);

  var bodyEditor = null;
  function nameTheEditor(editor) {
    // The editable area stands for the hidden textarea: give it the textarea's label and
    // help, so a screen reader announces "Story text, edit text, multi-line".
    var area = editor.view.dom;
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", "Story text");
    area.setAttribute("aria-describedby", "body-help");
  }
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea === body) {
      bodyEditor = event.detail.editor;
      nameTheEditor(bodyEditor);
    }
  });

  // Autosave (an existing story only: a new one has nowhere to keep it until saved).
  var status = document.querySelector("[data-autosave-status]");
  var kept = ["headline", "standfirst", "body"];
  function snapshot() { return kept.map(value).join("\u0000"); }
  var last = snapshot();
  function autosave() {
    if (!articleId) return;
    var now = snapshot();
    if (now === last) return;
    last = now;
    var data = new FormData();
    data.append("article", articleId);
    kept.forEach(function (name) { data.append(name, value(name)); });
    post("/newsroom/autosave/", data).then(function (json) {
      status.textContent = json.error ? json.error
        : "Draft kept at " + new Date(json.saved_at).toLocaleTimeString();
    }).catch(function () { status.textContent = "Could not keep the draft: save the story."; });
  }
  if (articleId) {
    window.setInterval(autosave, 5000);
    get("/newsroom/autosave/?article=" + articleId).then(function (json) {
      if (!json.autosave) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Restore the text kept at " +
        new Date(json.autosave.saved_at).toLocaleTimeString();
      button.addEventListener("click", function () {
        ["headline", "standfirst"].forEach(function (name) {
          form.elements[name].value = json.autosave[name];
        });
        if (bodyEditor) bodyEditor.commands.setContent(json.autosave.body, true);
        else form.elements.body.value = json.autosave.body;
        button.remove();
        status.textContent = "Restored: save to keep it.";
      });
      status.append(button);
    }).catch(function () {});
  }

  // Type-ahead for authors, tags and topics: suggestions for the name being typed (after
  // the last comma), each offered as the whole field's value so that choosing one keeps
  // the names before it.
  Array.prototype.forEach.call(form.querySelectorAll("input[data-labels]"), function (input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.setAttribute("list", list.id);
    input.insertAdjacentElement("afterend", list);
    var ask = debounce(function () {
      var parts = input.value.split(",");
      var term = parts.pop().trim();
      if (!term) { list.replaceChildren(); return; }
      var before = parts.map(function (p) { return p.trim(); }).filter(Boolean);
      var prefix = before.length ? before.join(", ") + ", " : "";
      get("/newsroom/labels/?kind=" + input.dataset.labels + "&q=" + encodeURIComponent(term))
        .then(function (json) {
          list.replaceChildren();
          (json.results || []).forEach(function (name) {
            var option = document.createElement("option");
            option.value = prefix + name;
            list.append(option);
          });
        }).catch(function () {});
    }, 200);
    input.addEventListener("input", ask);
  });

  // The lead picture from the library.
  var library = form.querySelector("[data-library]");
  if (library) {
    library.hidden = false;
    var search = library.querySelector("#lead-search");
    var results = library.querySelector("[data-library-results]");
    var message = library.querySelector("[data-library-message]");
    var now = form.querySelector("[data-lead-now]");
    function use(p) {
      form.elements.lead_picture.value = p.id;
      form.elements.lead_caption.value = p.caption || "";
      form.elements.lead_credit.value = p.credit || "";
      form.elements.lead_alt.value = p.alt || "";
      now.replaceChildren();
      if (p.thumb) {
        var img = document.createElement("img");
        img.src = p.thumb;
        img.alt = "";
        now.append(img);
      }
      var text = document.createElement("p");
      text.textContent = "Picture " + p.id + " from the library: edit its caption, credit and alt text below.";
      now.append(text);
      results.replaceChildren();
      message.textContent = "Lead picture chosen.";
      form.elements.lead_caption.focus();
      checkNow();
    }
    function find() {
      message.textContent = "";
      get("/newsroom/pictures/?q=" + encodeURIComponent(search.value.trim())).then(function (json) {
        results.replaceChildren();
        if (!json.results.length) message.textContent = "Nothing found.";
        json.results.forEach(function (p) {
          var button = document.createElement("button");
          button.type = "button";
          if (p.thumb) {
            var img = document.createElement("img");
            img.src = p.thumb;
            img.alt = "";
            button.append(img);
          }
          button.append("Use " + (p.caption || "(no caption)") + " — " + (p.credit || "no credit"));
          button.addEventListener("click", function () { use(p); });
          var li = document.createElement("li");
          li.append(button);
          results.append(li);
        });
      }).catch(function () { message.textContent = "The library did not answer."; });
    }
    library.querySelector("[data-library-go]").addEventListener("click", find);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); find(); }
    });
    library.querySelector("[data-lead-remove]").addEventListener("click", function () {
      form.elements.lead_picture.value = "";
      now.replaceChildren();
      var text = document.createElement("p");
      text.textContent = "No lead picture.";
      now.append(text);
      message.textContent = "Lead picture removed: save to keep that.";
      checkNow();
    });
  }
})();

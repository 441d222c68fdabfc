// Live coverage: adds new entries to an open page without a reload. The page works
// without it (every entry is in the HTML, each with its own address); this only asks the
// story's fragment (/story/<slug>/live.json?after=<newest id shown>) every second. The
// fragment is kept by the page cache until an entry changes, so a poll costs a hit.
(function () {
  "use strict";
  var section = document.querySelector("section.live[data-live-url]");
  if (!section || section.hasAttribute("data-ended")) return;
  var url = section.getAttribute("data-live-url");
  var after = Number(section.getAttribute("data-after")) || 0;
  var revision = Number(section.getAttribute("data-revision")) || 0;
  var interval = Math.max(500, Number(section.getAttribute("data-interval")) || 1000);
  var stream = section.querySelector("[data-live-stream]");
  var pinned = section.querySelector("[data-live-pinned]");
  var keyEvents = section.querySelector("[data-key-events]");
  var news = section.querySelector("[data-live-news]");

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function keyEvent(entry) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = "#" + entry.id;
    link.textContent = entry.getAttribute("data-key-event");
    item.appendChild(link);
    return item;
  }

  // Entries come newest first; new ones go above those shown, in that order.
  function add(entries, replace) {
    if (replace) {
      stream.textContent = "";
      pinned.textContent = "";
      keyEvents.textContent = "";
      keyEvents.parentNode.hidden = true;
    }
    var firstShown = stream.firstElementChild;
    var firstKey = keyEvents.firstElementChild;
    entries.forEach(function (data) {
      var old = document.getElementById("entry-" + data.id);
      if (old) old.remove();
      var entry = element(data.html);
      if (!entry) return;
      if (data.pinned) {
        pinned.textContent = "";
        pinned.appendChild(entry);
      } else {
        stream.insertBefore(entry, replace ? null : firstShown);
      }
      if (data.key_event) {
        keyEvents.insertBefore(keyEvent(entry), firstKey);
        keyEvents.parentNode.hidden = false;
      }
    });
  }

  function apply(data, replace) {
    if (data.gone) return "ended";
    if (data.revision !== revision && !replace) {
      // An entry was edited, pinned or deleted: read them all again.
      return load(0, true);
    }
    revision = data.revision;
    if (data.entries.length) {
      add(data.entries, replace);
      var count = replace ? 0 : data.entries.length;
      if (count) news.textContent = count === 1 ? "1 new update" : count + " new updates";
    }
    after = data.after;
    if (data.ended) {
      var badge = section.querySelector(".live-badge");
      if (badge) badge.remove();
      news.textContent = "Live coverage has ended.";
      return "ended";
    }
  }

  function load(from, replace) {
    // No cookies: a signed-in reader's poll is as cacheable as anyone's.
    return fetch(url + "?after=" + from, { credentials: "omit", cache: "no-cache" })
      .then(function (response) {
        // Gone (the story was taken down): stop asking, rather than ask Django every second.
        if (response.status === 404) return { gone: true };
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        return apply(data, replace);
      });
  }

  function poll() {
    if (document.hidden) return schedule();
    load(after, false)
      .then(function (state) {
        if (state !== "ended") schedule();
      })
      .catch(schedule);
  }

  function schedule() {
    window.setTimeout(poll, interval);
  }

  schedule();
})();

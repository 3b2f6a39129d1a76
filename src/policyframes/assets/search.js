// policyframes site: search the index (search-index.js) of case names, rationales and
// evidence. Every word of the query must occur in an entry (case and accents aside);
// the query lives in the address (?q=...), so that a search can be linked to.
(function () {
  "use strict";

  var LIMIT = 100;
  var form = document.querySelector("form.search");
  var index = window.policyframesSearch || [];
  if (!form || !index.length) {
    return;
  }
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector(".search-status");
  var list = document.querySelector("ol.results");

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var folded = index.map(function (entry) {
    return fold(entry.t + " " + entry.x);
  });

  function snippet(text, word) {
    var at = Math.max(0, fold(text).indexOf(word));
    var start = Math.max(0, at - 80);
    var end = Math.min(text.length, at + word.length + 120);
    return (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  function item(entry, word) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry.u;
    link.textContent = entry.t;
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = entry.k + ": ";
    var text = document.createElement("p");
    text.appendChild(kind);
    text.appendChild(document.createTextNode(snippet(entry.x, word)));
    li.appendChild(link);
    li.appendChild(text);
    return li;
  }

  function run() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = "Type a word or a name, in English or Chinese.";
      return;
    }
    var found = [];
    folded.forEach(function (text, i) {
      if (words.every(function (word) { return text.indexOf(word) >= 0; })) {
        found.push(index[i]);
      }
    });
    found.slice(0, LIMIT).forEach(function (entry) {
      list.appendChild(item(entry, words[0]));
    });
    status.textContent = found.length + (found.length === 1 ? " result" : " results") +
      (found.length > LIMIT ? ", the first " + LIMIT + " shown" : "");
  }

  function toAddress() {
    var query = input.value.trim();
    try {
      history.replaceState(null, "", location.pathname + (query ? "?q=" + encodeURIComponent(query) : ""));
    } catch (error) {
      // some browsers refuse to change the address of a local file; the search still works
    }
  }

  input.addEventListener("input", function () {
    toAddress();
    run();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  window.addEventListener("pageshow", function () {
    input.value = new URLSearchParams(location.search).get("q") || "";
    run();
  });
  form.hidden = false;
  input.value = new URLSearchParams(location.search).get("q") || "";
  run();
})();

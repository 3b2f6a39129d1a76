// policyframes site: search the index of case names, rationales and evidence. Every word
// of the query must occur in an entry (case and accents aside); the query lives in the
// address (?q=...), so that a search can be linked to. The index comes in parts
// (search/1.js, ...), the case names first; a part is loaded only when the parts before
// it hold too few results, and stays loaded for the next query.
(function () {
  "use strict";

  var LIMIT = 100;
  var form = document.querySelector("form.search");
  if (!form) {
    return;
  }
  var parts = parseInt(form.getAttribute("data-parts"), 10) || 0;
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector(".search-status");
  var list = document.querySelector("ol.results");
  var index = [];
  var folded = [];
  var loaded = 0;
  var loading = false;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Each part of the index calls this with its number and entries.
  window.policyframesSearchPart = function (number, entries) {
    entries.forEach(function (entry) {
      index.push(entry);
      folded.push(fold(entry.t + " " + entry.x));
    });
    loaded = number;
    loading = false;
    run();
  };

  function loadNext() {
    if (loading || loaded >= parts) {
      return;
    }
    loading = true;
    var script = document.createElement("script");
    script.src = "search/" + (loaded + 1) + ".js";
    script.onerror = function () {
      status.textContent = "Part " + (loaded + 1) + " of the search index could not be loaded.";
    };
    document.head.appendChild(script);
  }

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

  // Results from the parts loaded so far; more parts are loaded while there are too few.
  function run() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = "Type a word or a name, in English or Chinese.";
      return;
    }
    var found = [];
    for (var i = 0; i < folded.length && found.length <= LIMIT; i++) {
      var text = folded[i];
      if (words.every(function (word) { return text.indexOf(word) >= 0; })) {
        found.push(index[i]);
      }
    }
    found.slice(0, LIMIT).forEach(function (entry) {
      list.appendChild(item(entry, words[0]));
    });
    if (found.length > LIMIT) {
      status.textContent = "More than " + LIMIT + " results, the first " + LIMIT + " shown: add a word to narrow the search.";
    } else if (loaded < parts) {
      status.textContent = "Searching part " + (loaded + 1) + " of " + parts + " of the index (" + found.length + " found so far)\u2026";
      loadNext();
    } else {
      status.textContent = found.length + (found.length === 1 ? " result" : " results");
    }
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

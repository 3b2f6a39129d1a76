// policyframes site: highlight the passage named in the address, and filter the matrix.
// Without this script every page still works: the browser scrolls to the passage and
// the :target style highlights it; the filters stay hidden.
(function () {
  "use strict";

  // A passage may be split into several <mark> pieces sharing data-p; the first has the id.
  function highlight() {
    document.querySelectorAll("mark.current").forEach(function (mark) {
      mark.classList.remove("current");
    });
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target || !target.matches("mark[data-p]")) {
      return;
    }
    var name = target.getAttribute("data-p");
    document.querySelectorAll("mark[data-p]").forEach(function (mark) {
      if (mark.getAttribute("data-p") === name) {
        mark.classList.add("current");
      }
    });
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  // The filters' and the sort's state lives in the address (?policy_type=...&sort=...), so
  // that a filtered, sorted matrix can be linked to, and Back shows what the selects say.
  function setUpFilters() {
    var form = document.querySelector("form.filters");
    if (!form) {
      return;
    }
    var selects = form.querySelectorAll("select[data-filter]");
    var sorter = form.querySelector("select[data-sort]");
    var controls = Array.prototype.slice.call(selects).concat([sorter]);
    var body = document.querySelector("table.matrix tbody");
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr"));
    var original = rows.slice();
    var status = form.querySelector(".status");
    function fromAddress() {
      var params = new URLSearchParams(location.search);
      controls.forEach(function (select) {
        var wanted = params.get(name(select)) || "";
        var known = Array.prototype.some.call(select.options, function (option) { return option.value === wanted; });
        select.value = known ? wanted : "";
      });
    }
    function name(select) {
      return select.hasAttribute("data-sort") ? "sort" : select.getAttribute("data-filter");
    }
    // Sorted by a coded variable, rows follow the codebook's order of its categories (that
    // of the variable's filter), missing statuses last; ties keep the dataset's order.
    function sort() {
      var key = sorter.value;
      var filter = key && key !== "name" ? form.querySelector('select[data-filter="' + key + '"]') : null;
      var rank = {};
      if (filter) {
        Array.prototype.forEach.call(filter.options, function (option, i) { rank[option.value] = i; });
      }
      function value(row) {
        return key === "name" ? row.querySelector("th a").textContent : rank[row.getAttribute("data-" + key)];
      }
      var sorted = original.slice();
      if (key) {
        sorted.sort(function (a, b) {
          var x = value(a), y = value(b);
          var order = typeof x === "string" ? x.localeCompare(y) : x - y;
          return order || original.indexOf(a) - original.indexOf(b);
        });
      }
      sorted.forEach(function (row) { body.appendChild(row); });
    }
    function toAddress() {
      var params = new URLSearchParams();
      controls.forEach(function (select) {
        if (select.value) {
          params.set(name(select), select.value);
        }
      });
      var query = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      } catch (error) {
        // some browsers refuse to change the address of a local file; the filters still work
      }
    }
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = Array.prototype.every.call(selects, function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      status.textContent = shown + " of " + rows.length + " cases shown";
      sort();
    }
    controls.forEach(function (select) {
      select.addEventListener("change", function () {
        toAddress();
        apply();
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    // Back and Forward may restore the page from the cache, or the selects from the form state
    window.addEventListener("pageshow", function () {
      fromAddress();
      apply();
    });
    form.hidden = false;
    fromAddress();
    apply();
  }

  // On "load", after the browser's own scroll to the fragment.
  window.addEventListener("hashchange", highlight);
  window.addEventListener("load", highlight);
  setUpFilters();
})();

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

  // The filters' state lives in the address (?policy_type=...&framing=...), so that a
  // filtered matrix can be linked to, and Back shows what the selects say.
  function setUpFilters() {
    var form = document.querySelector("form.filters");
    if (!form) {
      return;
    }
    var selects = form.querySelectorAll("select[data-filter]");
    var rows = document.querySelectorAll("table.matrix tbody tr");
    var status = form.querySelector(".status");
    function fromAddress() {
      var params = new URLSearchParams(location.search);
      selects.forEach(function (select) {
        var wanted = params.get(select.getAttribute("data-filter")) || "";
        var known = Array.prototype.some.call(select.options, function (option) { return option.value === wanted; });
        select.value = known ? wanted : "";
      });
    }
    function toAddress() {
      var params = new URLSearchParams();
      selects.forEach(function (select) {
        if (select.value) {
          params.set(select.getAttribute("data-filter"), select.value);
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
    }
    selects.forEach(function (select) {
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

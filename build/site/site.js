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

  function setUpFilters() {
    var form = document.querySelector("form.filters");
    if (!form) {
      return;
    }
    var selects = form.querySelectorAll("select[data-filter]");
    var rows = document.querySelectorAll("table.matrix tbody tr");
    var status = form.querySelector(".status");
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
      select.addEventListener("change", apply);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    apply();
  }

  // On "load", after the browser's own scroll to the fragment.
  window.addEventListener("hashchange", highlight);
  window.addEventListener("load", highlight);
  setUpFilters();
})();

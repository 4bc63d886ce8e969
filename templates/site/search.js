// The site's search box: Pagefind's own UI, loaded from this site (its bundle sits in
// pagefind/ at the site's root, beside this file's folder), so it works on any static host,
// at any path, with no request leaving the site. Without an index (a build without Pagefind)
// the box says so instead.
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("search");
  if (!script || !box) return;
  if (window.location.protocol === "file:") {
    // Browsers do not load the index (WebAssembly, modules) from files: said, instead of a box that never answers.
    box.textContent = "Search needs the site served (a static host, pmops site serve, or python3 -m http.server), not opened from files.";
    return;
  }
  var bundle = new URL("../pagefind/", script.src);
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind-ui.css", bundle).href;
  document.head.appendChild(css);
  var ui = document.createElement("script");
  ui.src = new URL("pagefind-ui.js", bundle).href;
  ui.onload = function () {
    // A large site's index is split in shards (pagefind/pmops-shards.json names the other bundles):
    // Pagefind merges them, so one search covers every page, its filters included.
    fetch(new URL("pmops-shards.json", bundle).href)
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (layout) {
        var merge = (layout.merge || []).map(function (name) {
          return { bundlePath: new URL("../" + name + "/", bundle).pathname };
        });
        var search = new window.PagefindUI({
          element: "#search",
          bundlePath: bundle.pathname,
          mergeIndex: merge,
          showSubResults: true,
          showImages: false,
          resetStyles: false,
          autofocus: box.hasAttribute("data-autofocus"),
        });
        var asked = new URLSearchParams(window.location.search).get("q");
        if (asked) search.triggerSearch(asked);
        completeFilters(search);
      });
  };
  // Pagefind's UI shows the filters its last search returned, and a search returns only the filters
  // whose data had arrived: the first search, typed while the filters still load (a slow phone, a busy
  // machine), left the box with one or two of its three filters until the next keystroke. Once the box
  // shows filters, every filter is loaded (the same Pagefind the UI imported) and, if some are missing,
  // the search is run again: the filters ticked, given back to the UI, make it search (the same term
  // would not).
  function completeFilters(search) {
    var watch = new MutationObserver(function () {
      if (!box.querySelector(".pagefind-ui__filter-panel")) return;
      watch.disconnect();
      import(new URL("pagefind.js", bundle).href)
        .then(function (pagefind) { return pagefind.filters(); })
        .then(function (filters) {
          var input = box.querySelector(".pagefind-ui__search-input");
          var shown = box.querySelectorAll(".pagefind-ui__filter-block").length;
          if (!input || !input.value || shown >= Object.keys(filters).length) return;
          var ticked = {};
          box.querySelectorAll(".pagefind-ui__filter-checkbox:checked").forEach(function (tick) {
            (ticked[tick.name] = ticked[tick.name] || []).push(tick.value);
          });
          search.triggerFilters(ticked);
        })
        .catch(function () {});
    });
    watch.observe(box, { childList: true, subtree: true });
  }
  ui.onerror = function () {
    box.textContent = "Search is not available: this site was built without its search index (pagefind).";
  };
  document.head.appendChild(ui);
})();

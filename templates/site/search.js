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
      });
  };
  ui.onerror = function () {
    box.textContent = "Search is not available: this site was built without its search index (pagefind).";
  };
  document.head.appendChild(ui);
})();

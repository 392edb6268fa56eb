// The live widgets' modules come from this site, never from a CDN (scripts/build_site.py copies them from the npm
// packages into _static/widgets). html-manager asks require.js for "anywidget" before any CDN; and its bundled
// modules ("@jupyter-widgets/...") take their folder from require.js too, which is where their CSS looks for the
// icon fonts, so that folder is the one that holds them.
(function () {
  const widgets = document.documentElement.dataset.content_root + "_static/widgets/";
  require.config({
    paths: {
      anywidget: widgets + "anywidget",
      "@jupyter-widgets/html-manager/dist": widgets + "html-manager",
      "@jupyter-widgets": widgets + "html-manager",
    },
  });
})();

// A picture inside a live widget that has no text alternative of its own (ipywidgets' Image has none) gets the one
// of the widget's static picture, which the build wrote from the output's own description (WCAG 1.1.1).
(function () {
  function describe() {
    for (const widget of document.querySelectorAll(".resnet-live-widget")) {
      const fallback = widget.querySelector(".resnet-widget-fallback");
      if (!fallback) continue;
      for (const img of widget.querySelectorAll(".widget-subarea img:not([alt])")) img.alt = fallback.alt;
    }
  }
  new MutationObserver(describe).observe(document.documentElement, { childList: true, subtree: true });
})();

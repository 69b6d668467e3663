// Loaded between require.js and embed-amd.js (see nb_ipywidgets_js in _config.yml).
// The widget manager's bundles find their Font Awesome files next to their AMD module ids
// ("@jupyter-widgets/controls", ...), which RequireJS resolves against the page's folder:
// a 404 on every page. Point those ids at this folder, where the font files are.
(function () {
  var here = document.currentScript.src.split("?")[0];
  var dir = here.slice(0, here.lastIndexOf("/"));
  require.config({
    paths: {
      "@jupyter-widgets/base": dir + "/base",
      "@jupyter-widgets/controls": dir + "/controls",
      "@jupyter-widgets/html-manager": dir + "/html-manager",
      "@jupyter-widgets/html-manager/dist": dir
    }
  });
})();

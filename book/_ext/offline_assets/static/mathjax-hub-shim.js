// Loaded right after MathJax 3, deferred like it (see book/_ext/offline_assets).
(function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  // ipywidgets 8's labels and jupyterquiz still call MathJax 2's
  // MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), which throws under MathJax 3:
  // map it to MathJax 3's typesetPromise.
  mj.Hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset") {
          var elements = job[2] ? [job[2]] : undefined;
          mj.startup.promise = mj.startup.promise.then(function () {
            return mj.typesetPromise(elements);
          });
        }
      });
    }
  };
  // jupyterquiz typesets the questions it draws only if MathJax exists while the page is
  // parsed. MathJax is deferred, and its first pass skips notebook outputs (they sit in
  // elements MathJax is told to ignore), so typeset each quiz once MathJax has started.
  if (mj.startup.promise) {
    mj.startup.promise = mj.startup.promise.then(function () {
      var roots = [];
      document.querySelectorAll(".Quiz").forEach(function (quiz) {
        if (roots.indexOf(quiz.parentElement) < 0) roots.push(quiz.parentElement);
      });
      return roots.length ? mj.typesetPromise(roots) : null;
    });
  }
})();

// Loaded right after MathJax 3 (see book/_ext/offline_assets). ipywidgets 8's labels and
// jupyterquiz still call MathJax 2's MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]),
// which throws under MathJax 3: map it to MathJax 3's typesetPromise.
(function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
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
})();

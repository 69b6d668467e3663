// Typesets the book's maths when the site is built, with MathJax 3 in Node.js (issue 18).
// Run by book/_ext/offline_assets/maths.py; not for readers' browsers.
//
//   node typeset.js < request.json > reply.json
//
// request: {"fragments": [html, ...], "tex": {TeX input options}, "fontURL": "...", "exFactor": 0.5}
//   each fragment is the inside of an element that MathJax would typeset in the browser: TeX
//   between \( \) or \[ \] (or a \begin{...} environment), HTML-encoded, with any markup around it.
// reply: {"fragments": [html, ...], "css": "...", "errors": [[fragment index, message], ...]}
//   the same fragments with every formula replaced by MathJax's CommonHTML output (and the
//   MathML that screen readers read), and one stylesheet for all of them: the CSS rules of every
//   character used anywhere, and the @font-face rules of MathJax's fonts.
//
// The MathJax files are the npm package mathjax (see mathjax/VERSIONS and vendor.sh); the TeX
// extensions a formula needs (\boldsymbol, \cancel, ...) are autoloaded from mathjax/input/tex.
"use strict";
const fs = require("fs");
const path = require("path");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const es5 = path.join(__dirname, "mathjax");
const body = request.fragments.map((html, i) => `<div data-fragment="${i}">${html}</div>`).join("\n");

require(path.join(es5, "node-main.js")).init({
  loader: {
    paths: {mathjax: es5},
    require: require,
    versionWarnings: false,
    failed: (error) => { throw error; },
    load: ["adaptors/liteDOM", "input/tex", "output/chtml", "a11y/assistive-mml"],
  },
  // An undefined macro is an error (noundefined would show it in red and carry on).
  tex: {...(request.tex || {}), packages: {"[-]": ["noundefined"]}},
  chtml: {fontURL: request.fontURL, exFactor: request.exFactor || 0.5},
  startup: {document: `<!DOCTYPE html><html><head></head><body>${body}</body></html>`, typeset: true},
}).then((MathJax) => MathJax.startup.promise.then(() => {
  const adaptor = MathJax.startup.adaptor;
  const document = MathJax.startup.document.document;
  const fragments = new Array(request.fragments.length);
  const errors = [];
  for (const node of adaptor.tags(adaptor.body(document), "div")) {
    const index = adaptor.getAttribute(node, "data-fragment");
    if (index === null || adaptor.parent(node) !== adaptor.body(document)) continue;
    fragments[Number(index)] = adaptor.innerHTML(node);
    for (const error of adaptor.tags(node, "mjx-merror")) {
      errors.push([Number(index), adaptor.getAttribute(error, "data-mjx-error") || adaptor.textContent(error)]);
    }
  }
  const css = adaptor.textContent(MathJax.chtmlStylesheet());
  process.stdout.write(JSON.stringify({fragments, css, errors}));
})).catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});

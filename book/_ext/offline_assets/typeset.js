// Converts the book's TeX to MathML when the site is built (issue 18), with MathJax 3 in Node.js.
// Run by book/_ext/offline_assets/maths.py; not for readers' browsers, which draw MathML
// themselves (MathML Core: Chromium 109+, Firefox, Safari).
//
//   node typeset.js < request.json > reply.json
//
// request: {"fragments": [html, ...], "tex": {TeX input options}}
//   each fragment is the inside of an element that MathJax would typeset in the browser: TeX
//   between \( \) or \[ \] (or a \begin{...} environment), HTML-encoded, with any markup around it.
// reply: {"fragments": [html, ...], "errors": [[fragment index, message], ...]}
//   the same fragments with every formula replaced by MathJax's MathML for it (as MathJax's
//   own menu "Show Math As > MathML" gives it); maths.py then makes it fit MathML Core.
//
// The MathJax files are the npm package mathjax (see mathjax/VERSIONS and vendor.sh): its TeX
// input only, the TeX extensions a formula needs (\boldsymbol, \cancel, ...) autoloaded from
// mathjax/input/tex. No output jax: MathJax parses the TeX into its MathML tree, and this
// script writes the tree out.
"use strict";
const fs = require("fs");
const path = require("path");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const es5 = path.join(__dirname, "mathjax");
const body = request.fragments.map((html, i) => `<div data-fragment="${i}">${html}</div>`).join("\n");
const mathml = [];  // the MathML of each formula, in the order MathJax found them

require(path.join(es5, "node-main.js")).init({
  loader: {
    paths: {mathjax: es5},
    require: require,
    versionWarnings: false,
    failed: (error) => { throw error; },
    load: ["adaptors/liteDOM", "input/tex"],
  },
  // An undefined macro is an error (noundefined would show it in red and carry on).
  tex: {...(request.tex || {}), packages: {"[-]": ["noundefined"]}},
  startup: {document: `<!DOCTYPE html><html><head></head><body>${body}</body></html>`, typeset: false},
}).then((MathJax) => MathJax.startup.promise.then(() => {
  const adaptor = MathJax.startup.adaptor;
  const doc = MathJax.startup.document;
  // An extension loaded on first use (\boldsymbol, ...) interrupts the parse with a "retry":
  // handleRetriesFor waits for it and parses again, as MathJax's typesetPromise does.
  return MathJax._.util.Retries.handleRetriesFor(() => doc.findMath().compile()).then(() => {
    for (const math of doc.math) {
      // Each formula becomes a placeholder element, replaced by its MathML text below (the
      // lite DOM does not parse MathML given as innerHTML).
      math.typesetRoot = adaptor.node("mjx-mml", {"data-i": String(mathml.length)});
      texSpacing(math.root, MathJax.startup.document.mmlFactory);
      mathml.push(MathJax.startup.toMML(math.root));
    }
    doc.updateDocument();
    const fragments = new Array(request.fragments.length);
    const errors = [];
    for (const node of adaptor.tags(adaptor.body(doc.document), "div")) {
      const index = adaptor.getAttribute(node, "data-fragment");
      if (index === null || adaptor.parent(node) !== adaptor.body(doc.document)) continue;
      fragments[Number(index)] = adaptor.innerHTML(node).replace(
        /<mjx-mml data-i="(\d+)"><\/mjx-mml>/g, (_, i) => mathml[Number(i)]);
      for (const error of fragments[Number(index)].matchAll(/<merror data-mjx-error="([^"]*)"/g)) {
        errors.push([Number(index), error[1]]);
      }
    }
    process.stdout.write(JSON.stringify({fragments, errors}));
  });
})).catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(1);
});

// TeX's spacing between atoms, written into the MathML. MathJax's own output draws the space
// TeX puts between two atoms from their classes (ord, op, bin, rel, open, close, punct, inner),
// with none of the medium and thick spaces inside sub- and superscripts; a browser drawing
// MathML spaces each operator by the operator dictionary instead (a thick space around = even
// in a subscript, none after "log", a space around "/"). So each operator gets the space TeX
// puts before it (lspace) and after it (rspace) as attributes, and a space before an atom that
// follows no operator (an \left...\right group after a letter) becomes an <mspace>.
const LENGTHS = {"": "0", thinmathspace: ".1667em", mediummathspace: ".2222em", thickmathspace: ".2778em"};
// Operators that the dictionary spaces by 0 on both sides as the first or last of several
// atoms (prefix and postfix form); alone in a group (\big( is <mrow><mo>(</mo></mrow>) they
// are "infix", which the dictionary does not list, and would get its default thick spaces.
const UNSPACED = new Set(["(", ")", "[", "]", "{", "}", "\u27E8", "\u27E9", "\u2061"]);

// Operators that the dictionary spaces as TeX does between two atoms (infix form): relations
// by a thick space, binary operators by a medium space on each side. Their attributes are left
// out there (a quarter of the markup of the spaces).
const INFIX = new Map([..."=<>\u2264\u2265\u2248\u2260\u2192\u2190\u2208\u223C"].map((c) => [c, ".2778em"])
  .concat([..."+\u2212\u00B1\u00D7\u22C5"].map((c) => [c, ".2222em"])));

function texSpacing(root, factory) {
  root.setTeXclass(null);
  const parents = [];
  root.walkTree((node) => { if (!node.isToken && node.childNodes && node.childNodes.length) parents.push(node); });
  const operators = new Set(), infix = new Set();
  const isTop = (node, parent) => node.isEmbellished && !(parent.isEmbellished && parent.coreMO() === node.coreMO());
  for (const parent of parents) {
    const children = parent.childNodes.slice();
    for (let i = 0; i < children.length; i++) {
      const node = children[i];
      if (!node) continue;
      const space = LENGTHS[node.texSpacing()] || "0";
      if (isTop(node, parent)) {
        const core = node.coreMO();
        core.attributes.set("lspace", space);
        core.attributes.set("rspace", "0");
        const n = parent.childNodes.length;
        const first = parent.childNodes[0] === node, last = parent.childNodes[n - 1] === node;
        if (core === node && n > 1 && (first || last)) {
          operators.add(core);
        } else if (core === node && !first && !last) {
          infix.add(core);
        }
      } else if (space !== "0") {
        const previous = children[i - 1];
        if (previous && isTop(previous, parent)) {
          previous.coreMO().attributes.set("rspace", space);
        } else {
          const mspace = factory.create("mspace", {width: space});
          parent.childNodes.splice(parent.childNodes.indexOf(node), 0, mspace);
          mspace.parent = parent;
        }
      }
    }
  }
  for (const core of infix) {
    const space = INFIX.get(core.getText());
    if (space && core.attributes.get("lspace") === space && core.attributes.get("rspace") === space) {
      delete core.attributes.getAllAttributes().lspace;
      delete core.attributes.getAllAttributes().rspace;
    }
  }
  for (const core of operators) {
    if (UNSPACED.has(core.getText()) && core.attributes.get("lspace") === "0"
        && core.attributes.get("rspace") === "0") {
      delete core.attributes.getAllAttributes().lspace;
      delete core.attributes.getAllAttributes().rspace;
    }
  }
}

#!/usr/bin/env bash
# Re-creates mathjax/ (committed) from the npm registry. Not part of `make`: run it by hand only
# to upgrade MathJax, then rebuild and run the browser tests. (The ipywidgets HTML manager and
# RequireJS were vendored here too until no page loaded them: issue 18.)
#   bash book/_ext/offline_assets/vendor.sh
# MathJax runs when the book is built (typeset.js, under Node.js), not in readers' browsers: the
# site gets only its CSS and the fonts the pages use (maths.py).
set -euo pipefail
MATHJAX=3.2.2          # MathJax 3 (Apache-2.0)
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "mathjax@$MATHJAX" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
out="$here/mathjax"
rm -rf "$out"
mkdir -p "$out/adaptors" "$out/a11y" "$out/input/tex" "$out/output/chtml/fonts"

# MathJax's Node.js entry point and the components typeset.js loads: the lite DOM adaptor, TeX
# input, CommonHTML output (with its font data), the assistive MathML for screen readers, the
# TeX extensions autoloaded on demand (\boldsymbol, \cancel, ...) and the CHTML woff2 fonts.
# Left out: the browser bundles, SVG output, MathML/AsciiMath input and the speech engine.
mj=mathjax-$MATHJAX/package/es5
cp "mathjax-$MATHJAX/package/LICENSE" "$out/LICENSE"
cp "$mj/node-main.js" "$out/"
cp "$mj/adaptors/liteDOM.js" "$out/adaptors/"
cp "$mj/a11y/assistive-mml.js" "$out/a11y/"
cp "$mj/input/tex.js" "$out/input/"
cp -r "$mj/input/tex/extensions" "$out/input/tex/"
rm "$out/input/tex/extensions/all-packages.js"   # only used by tex-full
cp "$mj/output/chtml.js" "$out/output/"
cp "$mj/output/chtml/fonts/tex.js" "$out/output/chtml/fonts/"
cp -r "$mj/output/chtml/fonts/woff-v2" "$out/output/chtml/fonts/"

cat > "$out/VERSIONS" <<VERSIONS
mathjax $MATHJAX
VERSIONS
du -sh "$out"

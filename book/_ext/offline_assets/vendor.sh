#!/usr/bin/env bash
# Re-creates mathjax/ (committed) from the npm registry. Not part of `make`: run it by hand only
# to upgrade MathJax, then rebuild and run the browser tests. (The ipywidgets HTML manager and
# RequireJS were vendored here too until no page loaded them: issue 18.)
#   bash book/_ext/offline_assets/vendor.sh
# MathJax runs when the book is built (typeset.js, under Node.js), not in readers' browsers: its
# TeX input turns each formula into MathML, which browsers draw themselves (maths.py). The maths
# font is fonts/latinmodern-math.woff (see fonts/README.md), not MathJax's.
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
mkdir -p "$out/adaptors" "$out/input/tex"

# MathJax's Node.js entry point and the components typeset.js loads: the lite DOM adaptor, TeX
# input and the TeX extensions autoloaded on demand (\boldsymbol, \cancel, ...). Left out: the
# browser bundles, every output (CommonHTML, SVG) and its fonts, MathML/AsciiMath input and the
# speech engine.
mj=mathjax-$MATHJAX/package/es5
cp "mathjax-$MATHJAX/package/LICENSE" "$out/LICENSE"
cp "$mj/node-main.js" "$out/"
cp "$mj/adaptors/liteDOM.js" "$out/adaptors/"
cp "$mj/input/tex.js" "$out/input/"
cp -r "$mj/input/tex/extensions" "$out/input/tex/"
rm "$out/input/tex/extensions/all-packages.js"   # only used by tex-full

cat > "$out/VERSIONS" <<VERSIONS
mathjax $MATHJAX
VERSIONS
du -sh "$out"

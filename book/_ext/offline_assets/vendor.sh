#!/usr/bin/env bash
# Re-creates static/mathjax (committed) from the npm registry. Not part of `make`: run it by
# hand only to upgrade MathJax, then rebuild and run the browser tests. (The ipywidgets HTML
# manager and RequireJS were vendored here too until no page loaded them: issue 18.)
#   bash book/_ext/offline_assets/vendor.sh
set -euo pipefail
MATHJAX=3.2.2          # MathJax 3 (Apache-2.0)
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "mathjax@$MATHJAX" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
out="$here/static"
# Only the vendored files are replaced: static/*.js and static/*.css are ours.
rm -rf "$out/mathjax"
mkdir -p "$out/mathjax/input/tex" "$out/mathjax/output/chtml/fonts"

# MathJax: TeX input + CommonHTML output in one file, the TeX extensions it autoloads on
# demand (\boldsymbol, \cancel, ...), and the CHTML woff2 fonts. Left out: SVG output,
# MathML/AsciiMath input, the speech engine (sre, a11y explorer) and the full bundles.
mj=mathjax-$MATHJAX/package/es5
cp "mathjax-$MATHJAX/package/LICENSE" "$out/mathjax/LICENSE"
cp "$mj/tex-chtml.js" "$out/mathjax/"
cp -r "$mj/input/tex/extensions" "$out/mathjax/input/tex/"
rm "$out/mathjax/input/tex/extensions/all-packages.js"   # only used by tex-full
cp -r "$mj/output/chtml/fonts/woff-v2" "$out/mathjax/output/chtml/fonts/"

cat > "$out/VERSIONS" <<VERSIONS
mathjax $MATHJAX
VERSIONS
du -sh "$out"

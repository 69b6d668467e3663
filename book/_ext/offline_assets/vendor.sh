#!/usr/bin/env bash
# Re-creates static/ (committed) from the npm registry. Not part of `make`: run it by hand
# only to upgrade one of the three libraries, then rebuild and run the browser tests.
#   bash book/_ext/offline_assets/vendor.sh
set -euo pipefail
MATHJAX=3.2.2          # MathJax 3 (Apache-2.0)
HTML_MANAGER=1.0.7     # @jupyter-widgets/html-manager 1.x = ipywidgets 8 (BSD-3-Clause)
REQUIREJS=2.3.7        # RequireJS (MIT), needed by the widget manager's AMD bundle
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "mathjax@$MATHJAX" "@jupyter-widgets/html-manager@$HTML_MANAGER" "requirejs@$REQUIREJS" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
out="$here/static"
# Only the vendored files are replaced: static/*.js and html-manager/require-config.js are ours.
rm -rf "$out/mathjax" "$out/requirejs" "$out/html-manager/embed-amd.js" "$out/html-manager/"*.woff2
mkdir -p "$out/mathjax/input/tex" "$out/mathjax/output/chtml/fonts" "$out/html-manager" "$out/requirejs"

# MathJax: TeX input + CommonHTML output in one file, the TeX extensions it autoloads on
# demand (\boldsymbol, \cancel, ...), and the CHTML woff2 fonts. Left out: SVG output,
# MathML/AsciiMath input, the speech engine (sre, a11y explorer) and the full bundles.
mj=mathjax-$MATHJAX/package/es5
cp "mathjax-$MATHJAX/package/LICENSE" "$out/mathjax/LICENSE"
cp "$mj/tex-chtml.js" "$out/mathjax/"
cp -r "$mj/input/tex/extensions" "$out/mathjax/input/tex/"
rm "$out/mathjax/input/tex/extensions/all-packages.js"   # only used by tex-full
cp -r "$mj/output/chtml/fonts/woff-v2" "$out/mathjax/output/chtml/fonts/"

hm=jupyter-widgets-html-manager-$HTML_MANAGER/package
cp "$hm/LICENSE" "$hm/dist/embed-amd.js" "$out/html-manager/"
cp "$hm/dist/embed.js.LICENSE.txt" "$out/html-manager/THIRD-PARTY-LICENSES.txt"
# Its CSS asks for Font Awesome 5 in woff2 first: browsers stop there (see require-config.js).
for css_font in $(grep -o '[0-9a-f]\{20\}\.woff2' "$hm/dist/embed-amd.js" | sort -u); do
    cp "$hm/dist/$css_font" "$out/html-manager/"
done

rj=requirejs-$REQUIREJS/package
cp "$rj/require.js" "$out/requirejs/require.js"
# The package ships no LICENSE file; require.js's header says MIT, whose text is this.
cat > "$out/requirejs/LICENSE" <<'LICENSE'
RequireJS: Copyright jQuery Foundation and other contributors, https://jquery.org/

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENSE
cat > "$out/VERSIONS" <<VERSIONS
mathjax $MATHJAX
@jupyter-widgets/html-manager $HTML_MANAGER
requirejs $REQUIREJS
VERSIONS
du -sh "$out"

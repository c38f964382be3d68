#!/bin/sh
# Copy the browser builds named in package.json into src/jaring/core/static/vendor/.
#
# The copies are committed, so a deployment never fetches anything from a CDN or
# from npm; run this only to upgrade a library (edit the pinned versions in
# package.json, `npm install --package-lock-only`, then run this script).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/src/jaring/core/static/vendor"
cd "$root"

# --ignore-scripts: only files are copied, so no package gets to run code here.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

mkdir -p "$dest"
copy() {  # package, built file inside it
    # Source maps are not shipped, so their references go too: Django's manifest
    # storage would refuse to collect a file that points at a missing map.
    sed '/^\/\/# sourceMappingURL=/d' "node_modules/$1/$2" > "$dest/$(basename "$2")"
    cp "node_modules/$1/LICENSE" "$dest/LICENSE.$1"
}
copy htmx.org dist/htmx.min.js
copy vega build/vega.min.js
copy vega-lite build/vega-lite.min.js
copy vega-embed build/vega-embed.min.js

version() {
    node -p "require('./node_modules/$1/package.json').version"
}
licence() {
    node -p "require('./node_modules/$1/package.json').license"
}

{
    echo "# Vendored browser libraries"
    echo
    echo "Copied from the npm packages pinned in \`package.json\` by"
    echo "\`scripts/vendor-assets.sh\`; do not edit these files by hand. Each licence"
    echo "is kept next to the code as \`LICENSE.<package>\`. \`vega.min.js\` bundles"
    echo "d3 modules, which are under the ISC licence."
    echo
    echo "| File | Package | Version | Licence |"
    echo "|---|---|---|---|"
    for entry in htmx.min.js:htmx.org vega.min.js:vega vega-lite.min.js:vega-lite \
                 vega-embed.min.js:vega-embed; do
        file=${entry%%:*}
        package=${entry#*:}
        echo "| \`$file\` | $package | $(version "$package") | $(licence "$package") |"
    done
    echo
    echo "htmx is loaded on every page. The three Vega files (about 840 KB together)"
    echo "are loaded only by pages that draw charts, through"
    echo "\`core/_chart_scripts.html\`; \`jaring.js\` renders charts with Vega's AST"
    echo "interpreter so that the Content-Security-Policy needs no \`unsafe-eval\`."
} > "$dest/README.md"

# The map of the member states: extracted from Natural Earth and simplified, so the
# app ships about 80 KB instead of the 750 KB world file (see docs/reference-data.md).
python3 "$root/scripts/extract-asean-map.py"

echo "vendored into $dest:"
ls -l "$dest"

#!/usr/bin/env bash
# Refresh static/plotly-cartesian.min.js (the step page's live charts) from npm, at the plotly.js
# version the installed plotly package ships. Needs npm; the app itself never fetches anything.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(.venv/bin/python -c "from plotly.offline import get_plotlyjs_version; print(get_plotlyjs_version())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-cartesian-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
cp "$work/package/plotly-cartesian.min.js" static/
cp "$work/package/LICENSE" static/plotly.js-LICENSE.txt
echo "static/plotly-cartesian.min.js: plotly.js $version"

#!/usr/bin/env bash
# The dates attention study behind pretrained/README.md: what makes attention land on the right field?
# Trains each variant of dates-dot (60,000 examples, up to 8 epochs, seed 0 unless stated) into
# build/study/ and prints one table row per variant (about 4 minutes a variant on one core). Its output
# is recorded in scripts/attention-study.md, which pretrained/README.md shows under the findings in
# scripts/attention-study-findings.md:
#   scripts/attention-study.sh > scripts/attention-study.md
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
common="--task dates --decoder luong --score dot --train-size 60000 --epochs 8 --patience 3 --lr 0.003 --quiet"
variants=(
  "uni-marker-nodrop|--no-bidirectional --source-end-marker --dropout 0"
  "bi-marker-nodrop|--bidirectional --source-end-marker --dropout 0"
  "bi-marker-zeroinit|--bidirectional --source-end-marker --dropout 0 --decoder-init zero"
  "bi-nomarker-nodrop|--bidirectional --no-source-end-marker --dropout 0"
  "bi-nomarker-drop0.2|--bidirectional --no-source-end-marker --dropout 0.2"
  "bi-nomarker-drop0.2-seed1|--bidirectional --no-source-end-marker --dropout 0.2 --seed 1"
  "bi-nomarker-drop0.2-seed2|--bidirectional --no-source-end-marker --dropout 0.2 --seed 2"
)
mkdir -p build/study
for v in "${variants[@]}"; do
  name=${v%%|*}; flags=${v#*|}
  [ -f "build/study/$name/metrics.json" ] || $PY -m attention_core train $common $flags --out "build/study/$name" >/dev/null
  $PY - "$name" "$flags" <<'PY'
import json, sys
name, flags = sys.argv[1], sys.argv[2]
m = json.load(open(f"build/study/{name}/metrics.json"))
pct = lambda k: f"{100 * m[k]:.1f}%"
print(f"| {name} | `{flags}` | {pct('exact_match')} | {pct('field_attention')} | {pct('field_attention_year')} | "
      f"{pct('field_attention_month')} | {pct('field_attention_day')} |", flush=True)
PY
done

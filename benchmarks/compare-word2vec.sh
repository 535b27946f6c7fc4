#!/usr/bin/env bash
# Striate's word2vec next to the original C tool (npm word2vec 1.1.5's word2vec.c, built by
# benchmarks/word2vec/build-c-tool.sh) on the same machine, the same corpus and the same settings, one run after the
# other (never at the same time).
# - Corpus: the Brown corpus as `striate brown-text` writes it (tags removed, lowercased, one sentence a line), its
#   sentences shuffled with seed s for run s (the C tool has no seed option, so the order is what varies its runs).
# - Speed: cbow and skipgram × ns and hs, size 100, window 5, negative 5 (ns) or hierarchical softmax (hs), sample
#   1e-3, min-count 5, --iter passes, alpha 0.05 for cbow and 0.025 for skipgram (the tool's defaults), --threads
#   on both; words/s/thread as each tool prints it (the C tool's last "Words/thread/sec" progress value, over CPU
#   seconds; Striate's "words/s/thread:" line), and for both alike the whole run's wall time and the training words
#   (passes × the C tool's "Words in train file") over that wall time and the threads.
# - Quality: --seeds runs per tool of the --quality configuration(s) (run s: corpus shuffled with seed s, Striate's
#   --seed s), each scored by `striate synonyms` on the same questions (the corpus's counts, question seed 1);
#   each tool's mean and min-max; and `striate similar` of a fixed word list on both tools' run-1 vectors.
# Prints each run, then one summary table with the ratios Striate / C. Exit 2 on a bad option, 1 on a failed step.
# Usage: bash benchmarks/compare-word2vec.sh [--threads N] [--iter N] [--seeds K] [--quality CONFIG|all]
#            [--quick] [--out DIR]
#   --threads N   training threads for both tools (default 1)
#   --iter N      passes over the corpus (default 5)
#   --seeds K     quality runs per tool (default 3)
#   --quality C   cbow-ns, cbow-hs, skipgram-ns, skipgram-hs or all (default skipgram-ns)
#   --quick       --iter 1 --seeds 2: proves the script works; its numbers are not worth reporting
#   --out DIR     keep the corpora, vectors and logs there (default: a temporary folder, removed at the end)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=compare-word2vec
source "$root/benchmarks/script-options.sh"
threads=1
iter=5
seeds=3
quality=skipgram-ns
out=""
configs=(cbow-ns cbow-hs skipgram-ns skipgram-hs)
words=(money president church water music war)
while [[ $# -gt 0 ]]; do
    case "$1" in
        --threads) positive "$1" "${2-}"; threads="$2"; shift 2 ;;
        --iter) positive "$1" "${2-}"; iter="$2"; shift 2 ;;
        --seeds) positive "$1" "${2-}"; seeds="$2"; shift 2 ;;
        --quality) [[ -n "${2-}" ]] || usage "--quality needs a configuration or all"; quality="$2"; shift 2 ;;
        --quick) iter=1; seeds=2; shift ;;
        --out) [[ -n "${2-}" ]] || usage "--out needs a folder"; out="$2"; shift 2 ;;
        *) usage "unknown option $1 (use --threads N, --iter N, --seeds K, --quality CONFIG|all, --quick, --out DIR)" ;;
    esac
done
if [[ "$quality" == all ]]; then quality_configs=("${configs[@]}"); else
    [[ " ${configs[*]} " == *" $quality "* ]] || usage "--quality takes one of ${configs[*]} or all, got '$quality'"
    quality_configs=("$quality")
fi
if [[ -z "$out" ]]; then out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; else
    mkdir -p "$out" || die "cannot create --out $out"
    [[ -z "$(ls -A "$out")" ]] || usage "--out $out is not empty; give a new or empty folder"
fi
striate="$root/bin/striate"
# runs bin/striate without the JVM's note that the Vector API is an incubator module
quiet_striate() { "$striate" "$@" 2> >(grep -v 'Using incubator modules' >&2); }
python=/usr/bin/python3
[[ -x "$python" ]] || die "needs python3 at $python for the summary table"
c_tool="$(bash "$root/benchmarks/word2vec/build-c-tool.sh")" || die "could not build the C tool (see above)"
others="$(pgrep -fa 'maven|surefire|java|word2vec' | grep -v -e pgrep -e compare-word2vec || true)"
if [[ -n "$others" ]]; then
    echo "compare-word2vec: WARNING: other processes are running; the speed numbers suffer when cores are shared:" >&2
    echo "$others" | cut -c1-160 >&2
fi
echo "word2vec C tool: $c_tool"
echo "$threads threads, $iter iterations, $seeds seeds, quality on ${quality_configs[*]};" \
    "$(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p')"

# corpus s: the Brown text with its sentences shuffled by seed s
corpus() { echo "$out/brown-$1.txt"; }
for ((s = 1; s <= seeds; s++)); do
    quiet_striate brown-text --output "$(corpus "$s")" --shuffle "$s" || die "striate brown-text failed"
done

results="$out/results.tsv"   # speed rows: config, tool, seed, words/s/thread, wall s, training words per pass;
                             # quality rows: config, tool, seed, accuracy, answerable, questions
train_words=""               # per pass, from the C tool's log; the same for every run (shuffling keeps the counts)
: >"$results"

# train TOOL CONFIG SEED: one run; prints its output and appends a row to results.tsv
train() {
    local tool="$1" config="$2" seed="$3" model="${2%-*}" loss="${2#*-}"
    local alpha=0.025; [[ "$model" == cbow ]] && alpha=0.05
    local vectors="$out/$tool-$config-$seed.bin" log="$out/$tool-$config-$seed.log" start end rate
    echo "== $tool $config seed $seed"
    start="$(date +%s.%N)"
    if [[ "$tool" == c ]]; then
        local cbow=0 hs=0 negative=5
        [[ "$model" == cbow ]] && cbow=1
        [[ "$loss" == hs ]] && { hs=1; negative=0; }
        "$c_tool" -train "$(corpus "$seed")" -output "$vectors" -binary 1 -cbow "$cbow" -hs "$hs" \
            -negative "$negative" -size 100 -window 5 -sample 1e-3 -min-count 5 -iter "$iter" -alpha "$alpha" \
            -threads "$threads" >"$log" 2>&1 || { cat "$log"; die "the C tool failed on $config"; }
        end="$(date +%s.%N)"
        tr '\r' '\n' <"$log" | grep -v '^ *$' | tail -n 3
        rate="$(tr '\r' '\n' <"$log" | sed -n 's/.*Words\/thread\/sec: *\([0-9.]*\)k.*/\1/p' | tail -n 1)"
        [[ -n "$rate" ]] || die "$log: no 'Words/thread/sec' progress line from the C tool"
        rate="$(awk -v r="$rate" 'BEGIN { printf "%.0f", r * 1000 }')"
        train_words="$(tr '\r' '\n' <"$log" | sed -n 's/^Words in train file: *\([0-9]*\).*/\1/p' | head -n 1)"
        [[ -n "$train_words" ]] || die "$log: no 'Words in train file' line from the C tool"
    else
        local loss_args=(--loss "$loss")
        [[ "$loss" == ns ]] && loss_args+=(--negative 5)
        "$striate" word2vec --corpus "$(corpus "$seed")" --output "$vectors" --binary --model "$model" \
            "${loss_args[@]}" --size 100 --window 5 --sample 1e-3 --min-count 5 --iter "$iter" --alpha "$alpha" \
            --threads "$threads" --seed "$seed" >"$log" 2>&1 || { cat "$log"; die "striate word2vec failed on $config"; }
        end="$(date +%s.%N)"
        tr '\r' '\n' <"$log" | grep -v '^ *$' | tail -n 3
        rate="$(sed -n 's/.*words\/s\/thread: *\([0-9.]*\).*/\1/p' "$log" | tail -n 1)"
        [[ -n "$rate" ]] || die "$log: no 'words/s/thread:' line from striate word2vec"
    fi
    printf 'speed\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$tool" "$seed" "$rate" \
        "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')" "$train_words" >>"$results"
}

# score TOOL CONFIG SEED: the synonym test on that run's vectors, questions from corpus 1's counts, seed 1
score() {
    local vectors="$out/$1-$2-$3.bin" report
    report="$(quiet_striate synonyms --vectors "$vectors" --corpus "$(corpus 1)" --min-count 5 --seed 1)" \
        || die "striate synonyms failed on $vectors"
    echo "$1 $2 seed $3: $(echo "$report" | tr '\n' ' ')"
    printf 'quality\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$3" \
        "$(echo "$report" | sed -n 's/^accuracy: *\([0-9.]*\).*/\1/p')" \
        "$(echo "$report" | sed -n 's/^answerable: *\([0-9]*\).*/\1/p')" \
        "$(echo "$report" | sed -n 's/^questions: *\([0-9]*\).*/\1/p')" >>"$results"
}

echo "== speed: each configuration, C tool then Striate, on corpus 1"
for config in "${configs[@]}"; do
    train c "$config" 1
    train striate "$config" 1
done
echo "== quality: ${quality_configs[*]}, seeds 1..$seeds"
for config in "${quality_configs[@]}"; do
    for ((s = 2; s <= seeds; s++)); do
        train c "$config" "$s"
        train striate "$config" "$s"
    done
    for ((s = 1; s <= seeds; s++)); do
        score c "$config" "$s"
        score striate "$config" "$s"
    done
done
config="${quality_configs[0]}"
echo "== nearest neighbours by cosine, $config seed 1"
for w in "${words[@]}"; do
    for tool in c striate; do
        printf '%-10s %-8s %s\n' "$w" "$tool" "$("$striate" similar "$w" --vectors "$out/$tool-$config-1.bin" --top 8 \
            2>&1 | grep -v 'Using incubator modules' | awk '{ printf "%s ", $1 }')"
    done
done

"$python" - "$results" "$iter" "$threads" <<'PY'
import statistics, sys
speed, quality = {}, {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[0] == "speed":
        speed.setdefault((f[1], f[2]), []).append((float(f[4]), float(f[5]), int(f[6])))
    else:
        quality.setdefault((f[1], f[2]), []).append((float(f[4]), int(f[5]), int(f[6])))
configs = sorted({c for c, _ in speed}, key=lambda c: ["cbow-ns", "cbow-hs", "skipgram-ns", "skipgram-hs"].index(c))
iters, threads = int(sys.argv[2]), int(sys.argv[3])
print(f"\nSpeed, run 1 of each, {threads} thread(s), {iters} pass(es); words/s/thread as each tool reports it, then"
      " training words / whole-run wall time / threads for both (corpus reading, vocabulary and writing included)")
print(f"{'configuration':14} {'C reported':>11} {'Striate':>9} {'ratio':>6}   {'C wall s':>9} {'Striate':>8}"
      f"   {'C by wall':>10} {'Striate':>9} {'ratio':>6}")
for c in configs:
    (cr, cw, words), (sr, sw, _) = speed[(c, "c")][0], speed[(c, "striate")][0]
    cx, sx = iters * words / cw / threads, iters * words / sw / threads
    print(f"{c:14} {cr:11,.0f} {sr:9,.0f} {sr / cr:6.2f}   {cw:9.1f} {sw:8.1f}   {cx:10,.0f} {sx:9,.0f} {sx / cx:6.2f}")
for c in configs:
    if (c, "c") not in quality:
        continue
    cq, sq = [a for a, _, _ in quality[(c, "c")]], [a for a, _, _ in quality[(c, "striate")]]
    n = quality[(c, "c")][0][2]
    answerable = sorted({a for _, a, _ in quality[(c, "c")] + quality[(c, "striate")]})
    print(f"synonym test, {c}, {len(cq)} runs each, {n} questions (answerable: {', '.join(map(str, answerable))}):"
          f" C {statistics.mean(cq):.4f} [{min(cq):.4f}-{max(cq):.4f}], Striate {statistics.mean(sq):.4f}"
          f" [{min(sq):.4f}-{max(sq):.4f}], ratio of means {statistics.mean(sq) / statistics.mean(cq):.3f};"
          f" Striate's mean {'inside' if min(cq) <= statistics.mean(sq) <= max(cq) else 'outside'} the C tool's spread")
PY

#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) in build-fuzz/ with clang and runs them.
#   scripts/fuzz.sh [target|all] [seconds]     target: config units liberty dataset_file network_file h5_table
#   scripts/fuzz.sh seeds                      regenerate the HDF5 seeds under fuzz/corpus/
# Each run starts from the committed seeds in fuzz/corpus/<target>/ and keeps what it learns in
# build-fuzz/corpus/<target>/; crash inputs land in build-fuzz/findings/<target>/.
# Needs clang-14 and its libFuzzer runtime; on Debian 12, if clang cannot link -fsanitize=fuzzer:
#   apt-get install -y clang-14 libclang-rt-14-dev
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-all}
seconds=${2:-180}
targets=(config units liberty dataset_file network_file h5_table)
if [[ $target != all && $target != seeds && ! " ${targets[*]} " =~ " $target " ]]; then
    echo "unknown target '$target'; one of: ${targets[*]} all seeds" >&2
    exit 2
fi
export CCACHE_BASEDIR=$PWD
[ -f build-fuzz/build.ninja ] || cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPIXFORGE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang
if [[ $target == seeds ]]; then
    cmake --build build-fuzz -j2 --target fuzz_make_seeds
    build-fuzz/fuzz/fuzz_make_seeds fuzz/corpus
    exit 0
fi
[[ $target == all ]] && run=("${targets[@]}") || run=("$target")
cmake --build build-fuzz -j2 --target "${run[@]/#/fuzz_}"
# Leaks are findings, except HDF5's own on a failed open (fuzz/lsan.supp). A corrupt HDF5 header
# can make the library ask for a huge block (12 GB seen): above 2 GB malloc returns NULL, as it
# does on a machine without that memory, and the library reports the file as unreadable.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:max_allocation_size_mb=2048
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${run[@]}"; do
    mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t"
    echo "== fuzz_$t for ${seconds}s"
    # HDF5 1.10.8 itself crashes on some corrupt files (fuzz/hdf5_library_crashes/README.md):
    # the HDF5 targets run in fork mode and go on after a crash; triage each artifact's stack.
    keep_going=()
    [[ $t == config || $t == units || $t == liberty ]] || keep_going=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    build-fuzz/fuzz/fuzz_"$t" "build-fuzz/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" "${keep_going[@]}" \
        -max_len=131072 -timeout=20 -rss_limit_mb=2560 -malloc_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="build-fuzz/findings/$t/" 2>&1 | tee "build-fuzz/findings/$t.log" |
        grep -E "^#[0-9]+ +(INITED|DONE)|stat::|ERROR|SUMMARY|Test unit written" || true
done

#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (README.md, "Sanitizers").
#   bash scripts/run_sanitized.sh [fast|all|slow] [extra ctest arguments, e.g. -R test_core]
# Configures build-asan (RelWithDebInfo, PIXFORGE_SANITIZE=ON, ccache), builds what the chosen
# tests need, and runs ctest with the sanitizer options below. Any finding fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:-all}
shift || true
case "$mode" in
  fast) select=(-LE slow) ;;
  slow) select=(-L slow) ;;
  all) select=() ;;
  *) echo "usage: $0 [fast|all|slow] [ctest arguments]" >&2; exit 2 ;;
esac

build=${PIXFORGE_ASAN_BUILD:-$root/build-asan}
jobs=${PIXFORGE_JOBS:-$(nproc)}
export CCACHE_BASEDIR=$root
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIXFORGE_SANITIZE=ON
fi
cmake --build "$build" -j "$jobs"

# Child processes (pixforge re-executing itself for each simulation) inherit these.
# Leaks matter: every process must free what it allocates, or a long study grows without bound.
# No detect_stack_use_after_return: SystemC switches QuickThreads stacks without telling ASan,
# which makes fake-stack frames look dead while their thread is only suspended.
supp=$root/tests/sanitizer_suppressions
# fast_unwind_on_malloc=0: libhdf5 has no frame pointers, so only the slow unwinder sees the frames
# a leak suppression names (H5G_mkroot, tests/sanitizer_suppressions-lsan.txt).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1:\
check_initialization_order=1:strict_init_order=1:detect_odr_violation=2:\
fast_unwind_on_malloc=0:suppressions=$supp-asan.txt"
export LSAN_OPTIONS="suppressions=$supp-lsan.txt:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp-ubsan.txt"
export BOOST_TEST_COLOR_OUTPUT=no

start=$(date +%s)
status=0
ctest --test-dir "$build" --output-on-failure "${select[@]}" -j "$jobs" "$@" || status=$?
echo "sanitized suite ($mode): $(($(date +%s) - start)) s, ctest exit $status"
exit "$status"

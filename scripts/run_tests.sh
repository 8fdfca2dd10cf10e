#!/usr/bin/env bash
# The whole test suite (ctest). Pass "fast" to skip tests labelled slow.
set -euo pipefail
cd "$(dirname "$0")/.."
export BOOST_TEST_COLOR_OUTPUT=no
if [ "${1:-all}" = "fast" ]; then
  ctest --test-dir build --output-on-failure -LE slow -j "$(nproc)"
else
  ctest --test-dir build --output-on-failure -j "$(nproc)"
fi

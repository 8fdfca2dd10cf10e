#!/usr/bin/env bash
# Fails (exit 1) listing every tracked C++ file that clang-format (the repository's .clang-format)
# would change. Fix with: git ls-files '*.cpp' '*.hpp' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format > /dev/null || { echo "check_format: clang-format missing; run scripts/setup.sh" >&2; exit 1; }
bad=()
while IFS= read -r f; do
  clang-format --dry-run --Werror "$f" > /dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cpp' '*.hpp' '*.h')
if ((${#bad[@]})); then
  echo "check_format: ${#bad[@]} file(s) not clang-formatted: ${bad[*]}" >&2
  exit 1
fi
echo "check_format: every C++ file is clang-formatted"

#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan, only the libraries they need)
# and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     default 30 s, every target of fuzz/CMakeLists.txt
#   scripts/fuzz.sh 600                                 the long run by hand (also: cmake --build build --target fuzz-long)
#   scripts/fuzz.sh 60 fuzz_plan                        one target
#
# Seeds: fuzz/corpus/<target>/ (committed, never written); what the fuzzer learns goes to
# $FUZZ_BUILD_DIR/corpus/<target>/ and a crashing input to $FUZZ_BUILD_DIR/artifacts/<target>/
# (reproduce: $FUZZ_BUILD_DIR/fuzz/<target> <file>). Exit 0: no crash; 1: a target crashed or
# failed to build; 77: clang with libFuzzer is not installed (ctest reports the test as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
[ $# -gt 0 ] && shift
build="${FUZZ_BUILD_DIR:-build-fuzz}"
cxx="${FUZZ_CXX:-clang++}"

probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
if ! command -v "$cxx" >/dev/null 2>&1 ||
   ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" >/dev/null 2>&1; then
  echo "SKIP: $cxx with libFuzzer not available (Debian: apt-get install clang libclang-rt-14-dev)"
  exit 77
fi

# -O1 with line tables: quick to build (the CI step builds from scratch), good enough to fuzz.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSO_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" --target fuzz_targets -j"${FUZZ_JOBS:-$(nproc)}"

targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets <"$build/fuzz/targets.txt"  # every so_fuzz_target()
cat fuzz/dict/*.dict >"$build/all.dict"

failed=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  seeds=()
  [ -d "fuzz/corpus/$t" ] && seeds=("fuzz/corpus/$t")
  echo "== $t: ${seconds} s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: runaway memory is a finding too.
  if ! "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
        -dict="$build/all.dict" -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1 \
        "$build/corpus/$t" "${seeds[@]}" >"$build/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 60 "$build/$t.log"
    echo "== $t FAILED: input in $build/artifacts/$t/, log $build/$t.log"
  else
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE' "$build/$t.log" | tr '\n' ' '
    echo
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash"

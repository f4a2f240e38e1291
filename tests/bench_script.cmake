# Proves that the benchmark command works (tests/bench/run.sh): the player
# alone, 10 s of rotation, on one core, with the programs of this build
# instead of a release build. Figures are printed, not checked; it fails
# when a step fails (no first frame, a benchmark program that errs).
# Skipped (77) without Xvfb.
add_test(NAME bench_script
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/bench/run.sh --quick --no-browser --one-core
                 --build-dir ${CMAKE_BINARY_DIR})
set_tests_properties(bench_script PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS slow)

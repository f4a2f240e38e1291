# Smoke run of the fleet benchmark (tests/bench/fleet.sh): nginx on loopback, 20
# players x 5 conditional GETs with the player's fetch code. Fails when a
# poll is not a 304 or the feed does not parse; skipped (77) without nginx.
add_test(NAME fleet_smoke
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/bench/fleet.sh ${CMAKE_BINARY_DIR} 20 5)
set_tests_properties(fleet_smoke PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     SKIP_RETURN_CODE 77 TIMEOUT 60)

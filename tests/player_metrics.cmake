# The metrics file of the real player against a real HTTP server; skipped
# (77) without python3-prometheus-client.
add_test(NAME player_metrics COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_metrics.py)
set_tests_properties(player_metrics PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 120)

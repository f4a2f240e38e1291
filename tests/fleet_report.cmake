# Heartbeats, proof of play and screenshots against a recording HTTP server
# on 127.0.0.1 (tests/fleet_report.py), the real player headless.
add_test(NAME fleet_report COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/fleet_report.py)
set_tests_properties(fleet_report PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 300)

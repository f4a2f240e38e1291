add_test(NAME player_http COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_http.py)
set_tests_properties(player_http PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 300)

add_test(NAME player_push COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_push.py)
set_tests_properties(player_push PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 300)

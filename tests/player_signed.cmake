add_test(NAME player_signed COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_signed.py)
set_tests_properties(player_signed PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 300)

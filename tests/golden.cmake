add_test(NAME golden_layout COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/golden.py)
set_tests_properties(golden_layout PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 120)

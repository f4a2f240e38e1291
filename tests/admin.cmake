# The admin commands through the binary (tests/admin.py): --check-feed,
# the status file and --status, live reload; the contact sheet in headless
# Chromium (tests/contact_sheet.py, skipped (77) without chromium).
add_test(NAME admin COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/admin.py)
set_tests_properties(admin PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 300)
add_test(NAME contact_sheet COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/contact_sheet.py)
# Chromium takes both cores for a few seconds: alone, so that the timed
# checks of other tests (test_fetch's 100 MiB bodies) are not starved.
set_tests_properties(contact_sheet PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)

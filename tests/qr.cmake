# QR codes on slides, read back from --snapshot PNGs with zbarimg.
add_test(NAME player_qr COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/qr.py)
set_tests_properties(player_qr PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     LABELS slow TIMEOUT 300 SKIP_RETURN_CODE 77)

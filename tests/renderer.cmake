# [display] renderer chosen for real under Xvfb (llvmpipe) and SDL's dummy
# driver: the log line, and no GL mapped for the software renderer.
add_test(NAME player_renderer COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/renderer.py)
set_tests_properties(player_renderer PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     TIMEOUT 180 SKIP_RETURN_CODE 77)

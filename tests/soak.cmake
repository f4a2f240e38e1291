# The soak's short run: one simulated day of the real loop (the test hook
# SIGNAGE_TEST_CLOCK_SPEED) in about 20 s, against a feed that changes and
# fails; fails when fds, textures, cached images or (outside the sanitizer
# builds, whose allocators hold memory back) RSS grow after warm-up. The
# week and the memcheck run: tests/bench/soak.py --help.
set(SIGNAGE_SOAK_ARGS --days 1 --speed 4000 --max-growth-kb 2048)
if(SIGNAGE_SANITIZE OR SIGNAGE_TSAN)
  list(APPEND SIGNAGE_SOAK_ARGS --no-rss)
endif()
add_test(NAME soak_day
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench/soak.py ${SIGNAGE_SOAK_ARGS})
set_tests_properties(soak_day PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}" TIMEOUT 120)

# The player as systemd runs it (notify, watchdog, no display yet, driver
# choice), without systemd: tests/player_systemd.py reads the notify socket.
foreach(case notify nodisplay driver)
  add_test(NAME player_systemd_${case}
           COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_systemd.py ${case})
  set_tests_properties(player_systemd_${case} PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                       TIMEOUT 60)
endforeach()

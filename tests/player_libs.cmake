# The built player does not link libicui18n (tests/player_libs.py reads its
# dynamic section): the lunar date opens it at run time. Milliseconds.
add_test(NAME player_libs
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/player_libs.py $<TARGET_FILE:signage-player>)
set_tests_properties(player_libs PROPERTIES LABELS unit TIMEOUT 10)

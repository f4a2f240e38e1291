# Every size looks right: each page of a feed with every kind of item at six
# sizes, its pixels held to the zones --layout-dump gives (screens.py).
add_test(NAME player_screens COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/screens.py)
set_tests_properties(player_screens PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                     LABELS slow TIMEOUT 300 SKIP_RETURN_CODE 77)

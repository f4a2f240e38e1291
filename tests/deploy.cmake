# deploy/ for real: the unit (systemd-analyze), install.sh into a throw-away
# root, the .deb, and the player under the unit's restrictions.
foreach(case unit install deb sandbox readonly)
  add_test(NAME deploy_${case} COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/deploy.py ${case})
  set_tests_properties(deploy_${case} PROPERTIES ENVIRONMENT "${SIGNAGE_TEST_ENV}"
                       SKIP_RETURN_CODE 77 TIMEOUT 600)
endforeach()
# The .deb test builds the player once more: not beside the other builds.
set_tests_properties(deploy_deb PROPERTIES RUN_SERIAL ON)

# What `cmake --install` puts where (component "player"), and the files of
# /etc (component "etc": only the .deb takes them as conffiles; install.sh
# copies them itself, never over an edited one).
set(SIGNAGE_LIBEXEC ${CMAKE_INSTALL_FULL_LIBEXECDIR}/signage-player)
set(SIGNAGE_DATA ${CMAKE_INSTALL_DATADIR}/signage-player)

# The unit names the installed paths: the same file, prefix applied.
file(READ ${CMAKE_SOURCE_DIR}/deploy/signage-player.service SIGNAGE_UNIT)
string(REPLACE "/usr/bin/signage-player" "${CMAKE_INSTALL_FULL_BINDIR}/signage-player"
       SIGNAGE_UNIT "${SIGNAGE_UNIT}")
string(REPLACE "/usr/libexec/signage-player" "${SIGNAGE_LIBEXEC}" SIGNAGE_UNIT
       "${SIGNAGE_UNIT}")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/signage-player.service CONTENT "${SIGNAGE_UNIT}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/deploy/signage-player.service)

install(TARGETS signage-player DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT player)
install(DIRECTORY fonts/ DESTINATION ${SIGNAGE_DATA}/fonts COMPONENT player
        FILES_MATCHING PATTERN "*.otf" PATTERN "*.ttf" PATTERN "*.txt")
install(FILES config/player.ini config/demo-feed.json config/blocklist.txt
              config/high-contrast.ini deploy/signage-player.desktop
        DESTINATION ${SIGNAGE_DATA} COMPONENT player)
install(DIRECTORY config/images DESTINATION ${SIGNAGE_DATA} COMPONENT player)
install(FILES doc/signage-player.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT player)
install(FILES doc/player.ini.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5 COMPONENT player)
install(PROGRAMS deploy/console DESTINATION ${SIGNAGE_LIBEXEC} COMPONENT player)
install(FILES ${CMAKE_BINARY_DIR}/signage-player.service
        DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system COMPONENT player)
install(FILES config/player.ini config/demo-feed.json config/blocklist.txt
              config/high-contrast.ini
        DESTINATION /etc/signage-player
        COMPONENT etc)
install(DIRECTORY config/images DESTINATION /etc/signage-player COMPONENT etc)

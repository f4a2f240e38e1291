# `cpack -G DEB`: one package with the player, fonts, unit and the config
# as conffiles. Configure with -DCMAKE_INSTALL_PREFIX=/usr so that the
# unit names /usr/bin/signage-player.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME signage-player)
set(CPACK_PACKAGE_VENDOR "signage-player")
set(CPACK_PACKAGE_CONTACT "signage-player maintainers <signage-player@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Digital signage player: a JSON Feed as fullscreen slides, Chinese text set with care")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst: useradd/usermod (passwd); fallback fonts are welcome, not needed.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk, fonts-dejavu-core, fonts-symbola")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/deploy/conffiles ${CMAKE_SOURCE_DIR}/deploy/postinst
    ${CMAKE_SOURCE_DIR}/deploy/prerm ${CMAKE_SOURCE_DIR}/deploy/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)

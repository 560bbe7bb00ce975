# ktrdr_target_warnings(TARGET): the project's warning set, fatal when KTRDR_WERROR is on.
# GCC 12 flags designated initializers that leave members to their default initializers
# (-Wmissing-field-initializers); options structs are built exactly that way, so it is off.
function(ktrdr_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-missing-field-initializers)
  if(KTRDR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

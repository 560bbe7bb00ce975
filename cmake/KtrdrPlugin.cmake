# ktrdr_add_plugin(<target> <sources>…): a ktrdr domain plugin — a MODULE library named
# lib<target>.so, linked to the SDK, hiding everything but its descriptor and register function.
function(ktrdr_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE KtrdrSdk::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED KTRDR_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${KTRDR_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()

# ktrdr_add_plugin(<target> <sources>…): a ktrdr domain plugin — a MODULE library named
# lib<target>.so, linked to the SDK, hiding everything but its descriptor and register function.
# It pins what the engine checks the plugin's descriptor against: C++20, libstdc++'s C++11 string
# ABI and the SDK's compiler family. A project that asks for anything else fails here, at
# configure time, or in plugin_api.hpp's static_asserts, instead of building a plugin the engine
# would refuse.
function(ktrdr_add_plugin target)
  if(DEFINED KTRDR_SDK_CXX_COMPILER_ID AND
     NOT CMAKE_CXX_COMPILER_ID STREQUAL KTRDR_SDK_CXX_COMPILER_ID)
    message(FATAL_ERROR "ktrdr_add_plugin(${target}): the ktrdr SDK was built with "
      "${KTRDR_SDK_CXX_COMPILER_ID} and this project compiles with ${CMAKE_CXX_COMPILER_ID}: "
      "build ktrdr plugins with the SDK's compiler family (set CMAKE_CXX_COMPILER)")
  endif()
  if(DEFINED CMAKE_CXX_STANDARD AND NOT CMAKE_CXX_STANDARD EQUAL 20)
    message(FATAL_ERROR "ktrdr_add_plugin(${target}): CMAKE_CXX_STANDARD is "
      "${CMAKE_CXX_STANDARD}, but ktrdr plugins are C++20 like the SDK they are loaded beside")
  endif()
  if(CMAKE_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    message(FATAL_ERROR "ktrdr_add_plugin(${target}): CMAKE_CXX_FLAGS selects the old "
      "libstdc++ string ABI (_GLIBCXX_USE_CXX11_ABI=0); the ktrdr SDK uses the C++11 ABI")
  endif()
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE KtrdrSdk::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED KTRDR_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${KTRDR_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()

# Declares ossmp's CMake targets, the same way for an installed ossmp (ossmpConfig.cmake) and
# for a source tree used through add_subdirectory or FetchContent (CMakeLists.txt):
#   ossmp::ossmp   the headers, with cxx_std_20 and Threads::Threads
#   ossmp::<name>  a transport adapter listed in adapters.txt (next to this file): its headers,
#                  ossmp::ossmp, and the library it drives, from find_package or, when that
#                  defines no such target (Debian's cpp-httplib ships only a .pc), pkg-config.
# Every target is an INTERFACE IMPORTED one, as find_package's targets are; from a source tree
# they are GLOBAL so the parent project sees them, and a parent's install(EXPORT) then refers
# to them by name, for its users to resolve with find_package(ossmp).

# The functions run under the policies of 3.14 whatever the including project asks for
# (a function keeps the policies in force where it was defined).
cmake_policy(PUSH)
cmake_policy(VERSION 3.14)
set(_ossmp_targets_dir "${CMAKE_CURRENT_LIST_DIR}")

# Declares ossmp::ossmp with headers in `include_dir`. `scope` is "" or "GLOBAL".
function(ossmp_declare_core include_dir scope)
  if(TARGET ossmp::ossmp)
    return()
  endif()
  find_package(Threads REQUIRED)
  if(scope STREQUAL "GLOBAL")
    set_target_properties(Threads::Threads PROPERTIES IMPORTED_GLOBAL TRUE)
  endif()
  add_library(ossmp::ossmp INTERFACE IMPORTED ${scope})
  set_target_properties(ossmp::ossmp PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${include_dir}"
    INTERFACE_COMPILE_FEATURES cxx_std_20
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endfunction()

# Declares ossmp::<name> for every adapter in adapters.txt that `wanted` names (every one
# when `wanted` is empty) and whose header <ossmp/adapters/<name>.hpp> exists: under
# `include_dir`, or when that is "", under <source_dir>/adapters/<name>. Sets, in the caller,
# ossmp_<name>_FOUND and ossmp_<name>_NOT_FOUND_MESSAGE (what is missing) for each adapter
# looked at, and ossmp_adapters_looked_at to their names.
function(ossmp_declare_adapters include_dir source_dir scope wanted)
  file(STRINGS "${_ossmp_targets_dir}/adapters.txt" rows REGEX "^[a-z]")
  set(looked_at "")
  foreach(row IN LISTS rows)
    string(REPLACE "|" ";" fields "${row}")
    list(TRANSFORM fields STRIP)
    list(GET fields 0 name)
    list(GET fields 1 pc_module)
    list(GET fields 2 find_args)
    list(GET fields 3 dep_target)
    if(wanted AND NOT name IN_LIST wanted)
      continue()
    endif()
    list(APPEND looked_at ${name})
    set(found FALSE)
    set(why "")
    set(dir "${include_dir}")
    if(dir STREQUAL "")
      set(dir "${source_dir}/adapters/${name}")
    endif()
    if(TARGET ossmp::${name})
      set(found TRUE)
    elseif(NOT EXISTS "${dir}/ossmp/adapters/${name}.hpp")
      if(include_dir STREQUAL "")
        set(why "this source tree has no ${dir}/ossmp/adapters/${name}.hpp")
      else()
        set(why "ossmp was installed without the ${name} adapter (its library was missing when it was built)")
      endif()
    else()
      string(REPLACE " " ";" find_args "${find_args}")
      find_package(${find_args} QUIET)
      set(link "")
      if(TARGET ${dep_target})
        set(link ${dep_target})
      else()
        find_package(PkgConfig QUIET)
        if(PKG_CONFIG_FOUND)
          string(REPLACE " " "" pc_spec "${pc_module}")
          pkg_check_modules(ossmp_${name}_pc QUIET IMPORTED_TARGET ${scope} "${pc_spec}")
          if(TARGET PkgConfig::ossmp_${name}_pc)
            set(link PkgConfig::ossmp_${name}_pc)
          endif()
        endif()
      endif()
      if(link STREQUAL "")
        set(why "ossmp::${name} needs ${pc_module}, found neither by find_package(${find_args}) nor by pkg-config")
      else()
        if(scope STREQUAL "GLOBAL")
          get_target_property(imported ${link} IMPORTED)
          get_target_property(global ${link} IMPORTED_GLOBAL)
          if(imported AND NOT global)
            set_target_properties(${link} PROPERTIES IMPORTED_GLOBAL TRUE)
          endif()
        endif()
        add_library(ossmp::${name} INTERFACE IMPORTED ${scope})
        set_target_properties(ossmp::${name} PROPERTIES
          INTERFACE_INCLUDE_DIRECTORIES "${dir}"
          INTERFACE_LINK_LIBRARIES "ossmp::ossmp;${link}")
        set(found TRUE)
      endif()
    endif()
    set(ossmp_${name}_FOUND ${found} PARENT_SCOPE)
    set(ossmp_${name}_NOT_FOUND_MESSAGE "${why}" PARENT_SCOPE)
  endforeach()
  set(ossmp_adapters_looked_at "${looked_at}" PARENT_SCOPE)
endfunction()

cmake_policy(POP)

// ossmp: the library version, and the versioned inline namespace every header opens.
//
// Every public entity lives in `ossmp::inline v0`, so two copies of ossmp of different
// major versions can be linked into one program without ODR clashes (nlohmann/json
// #1394). The inline namespace carries the version only, never configuration: no macro
// may change a type's layout (cpp-httplib #1605).
#pragma once

#define OSSMP_VERSION_MAJOR 0
#define OSSMP_VERSION_MINOR 1
#define OSSMP_VERSION_PATCH 0
#define OSSMP_VERSION_STRING "0.1.0"

namespace ossmp::inline v0 {

/// The library version as "major.minor.patch".
inline constexpr const char* version_string = OSSMP_VERSION_STRING;

}  // namespace ossmp::inline v0
